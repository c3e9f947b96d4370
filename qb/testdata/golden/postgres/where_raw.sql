SELECT * FROM "book" WHERE (price > $1 OR price IS NULL) AND "a" = $2
-- args: 10 1
