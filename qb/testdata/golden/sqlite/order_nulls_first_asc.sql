SELECT * FROM "book" ORDER BY "price" ASC NULLS FIRST
-- args:
