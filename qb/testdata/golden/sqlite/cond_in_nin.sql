SELECT * FROM "book" WHERE "a" IN (?, ?) AND "b" NOT IN (?, ?)
-- args: 1 2 "x" "y"
