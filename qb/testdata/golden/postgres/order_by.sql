SELECT * FROM "book" ORDER BY "title" ASC, "id" DESC
-- args:
