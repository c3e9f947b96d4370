UPDATE "book" SET "price" = ? WHERE "id" = ? RETURNING "id", "price"
-- args: 5 1
