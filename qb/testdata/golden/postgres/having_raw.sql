SELECT "author_id" FROM "book" GROUP BY "author_id" HAVING count(*) > $1
-- args: 2
