SELECT * FROM "book" WHERE "a" IN ($1, $2) AND "b" NOT IN ($3, $4)
-- args: 1 2 "x" "y"
