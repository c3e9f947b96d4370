SELECT * FROM "book" WHERE "a" = $1 OR 1=0
-- args: 1
