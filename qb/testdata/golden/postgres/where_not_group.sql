SELECT * FROM "book" WHERE "a" = $1 AND NOT ("b" = $2 OR "c" = $3)
-- args: 1 2 3
