SELECT * FROM "book" WHERE "id" = ?
-- args: 1
