SELECT * FROM "book" WHERE "a" > $1 AND "b" >= $2 AND "c" < $3 AND "d" <= $4
-- args: 1 2 3 4
