SELECT "author_id", count(*) AS "n" FROM "book" GROUP BY "author_id"
-- args:
