SELECT * FROM "book" WHERE "a" = $1 OR NOT ("b" = $2 AND "c" = $3)
-- args: 1 2 3
