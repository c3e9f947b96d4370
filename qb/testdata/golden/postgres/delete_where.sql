DELETE FROM "book" WHERE "price" < $1 AND "title" IS NOT NULL
-- args: 1
