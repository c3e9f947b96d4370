WITH "cheap" AS (SELECT * FROM "book" WHERE "price" < $1) SELECT * FROM "cheap"
-- args: 5
