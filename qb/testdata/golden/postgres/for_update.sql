SELECT * FROM "book" WHERE "id" = $1 FOR UPDATE
-- args: 1
