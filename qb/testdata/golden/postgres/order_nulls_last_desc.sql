SELECT * FROM "book" ORDER BY "price" DESC NULLS LAST
-- args:
