SELECT * FROM "book" ORDER BY "price" DESC NULLS FIRST
-- args:
