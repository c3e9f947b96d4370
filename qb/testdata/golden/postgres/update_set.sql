UPDATE "book" SET "title" = $1, "price" = $2 WHERE "id" = $3
-- args: "B" <nil> 1
