SELECT * FROM "book" WHERE "a" = $1 OR ("b" = $2)
-- args: 1 2
