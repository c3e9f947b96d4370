SELECT "author_id" FROM "book" GROUP BY "author_id" ORDER BY count(*) DESC
-- args:
