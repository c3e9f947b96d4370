SELECT * FROM "book" WHERE NOT ("d" = $1) AND ("a" = $2 OR ("b" = $3 AND "c" = $4)) AND "e" = $5
-- args: 4 1 2 3 5
