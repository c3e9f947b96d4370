SELECT * FROM "book" ORDER BY "price" ASC NULLS LAST
-- args:
