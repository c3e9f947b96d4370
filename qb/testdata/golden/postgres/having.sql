SELECT "author_id" FROM "book" GROUP BY "author_id" HAVING count(*) > $1 AND sum("price") <= $2
-- args: 1 100
