SELECT * FROM "book" WHERE NOT ("a" = $1 AND "b" = $2)
-- args: 1 2
