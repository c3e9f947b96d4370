SELECT * FROM "book" WHERE "price" >= $1 AND "price" < $2
-- args: 10 20
