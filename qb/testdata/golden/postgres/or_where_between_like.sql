SELECT * FROM "book" WHERE "a" = $1 OR ("p" >= $2 AND "p" <= $3) OR NOT ("q" >= $4 AND "q" <= $5) OR "t" LIKE $6 ESCAPE '\' OR "u" ILIKE $7 ESCAPE '\'
-- args: 1 1 2 3 4 "A%" "b%"
