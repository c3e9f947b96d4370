SELECT count(*) AS "n", count(DISTINCT "author_id") AS "authors", min("price"), max("price") AS "max", sum("price") AS "sum", avg("price") AS "avg" FROM "book"
-- args:
