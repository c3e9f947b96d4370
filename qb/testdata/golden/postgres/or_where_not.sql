SELECT * FROM "book" WHERE "a" = $1 OR NOT ("b" = $2)
-- args: 1 2
