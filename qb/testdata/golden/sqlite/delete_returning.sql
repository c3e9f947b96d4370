DELETE FROM "book" WHERE "id" IN (?, ?) RETURNING "id", "title"
-- args: 1 2
