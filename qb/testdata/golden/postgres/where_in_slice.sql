SELECT * FROM "book" WHERE "id" IN ($1, $2)
-- args: 4 5
