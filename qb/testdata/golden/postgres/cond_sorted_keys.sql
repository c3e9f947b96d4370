SELECT * FROM "book" WHERE "author"."name" = $1 AND "id" IN ($2, $3) AND "price" >= $4 AND "title" LIKE $5 ESCAPE '\'
-- args: "x" 1 2 10 "A%"
