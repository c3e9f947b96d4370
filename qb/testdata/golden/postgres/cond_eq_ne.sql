SELECT * FROM "book" WHERE "a" = $1 AND "b" <> $2 AND "c" IS NULL AND "d" IS NOT NULL
-- args: 1 2
