DELETE FROM "book" WHERE "id" IN ($1, $2) RETURNING "id", "title"
-- args: 1 2
