SELECT * FROM "book" WHERE "author"."name" = ? AND "id" IN (?, ?) AND "price" >= ? AND "title" GLOB ?
-- args: "x" 1 2 10 "A*"
