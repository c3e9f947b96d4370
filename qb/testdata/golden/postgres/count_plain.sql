SELECT count(*) FROM "book" WHERE "a" = $1
-- args: 1
