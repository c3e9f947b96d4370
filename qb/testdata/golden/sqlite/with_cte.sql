WITH "cheap" AS (SELECT * FROM "book" WHERE "price" < ?) SELECT * FROM "cheap"
-- args: 5
