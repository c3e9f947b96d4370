SELECT * FROM "book" WHERE price > $1 AND title <> $2
-- args: 3 "x"
