SELECT * FROM "book"
-- args:
