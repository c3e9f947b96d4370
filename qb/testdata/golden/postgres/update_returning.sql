UPDATE "book" SET "price" = $1 WHERE "id" = $2 RETURNING "id", "price"
-- args: 5 1
