SELECT * FROM "book" LIMIT 10
-- args:
