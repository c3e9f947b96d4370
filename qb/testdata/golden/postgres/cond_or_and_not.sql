SELECT * FROM "book" WHERE "a" = $1 OR ("b" = $2 AND "c" = $3) OR NOT ("d" = $4)
-- args: 1 2 3 4
