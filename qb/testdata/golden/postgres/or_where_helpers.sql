SELECT * FROM "book" WHERE "a" = $1 OR "b" IN ($2, $3) OR "c" NOT IN ($4) OR "d" IS NULL OR "e" IS NOT NULL
-- args: 1 1 2 3
