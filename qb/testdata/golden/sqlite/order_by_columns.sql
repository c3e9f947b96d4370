SELECT * FROM "book" ORDER BY "title", "price" DESC, "id" ASC
-- args:
