SELECT * FROM "book" WHERE "id" NOT IN ($1, $2)
-- args: 1 2
