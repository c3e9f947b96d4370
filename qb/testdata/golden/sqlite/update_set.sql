UPDATE "book" SET "title" = ?, "price" = ? WHERE "id" = ?
-- args: "B" <nil> 1
