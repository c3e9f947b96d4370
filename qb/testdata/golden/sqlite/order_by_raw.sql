SELECT * FROM "book" ORDER BY length("title") DESC
-- args:
