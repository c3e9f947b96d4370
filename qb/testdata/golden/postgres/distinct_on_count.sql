SELECT count(*) FROM (SELECT DISTINCT ON ("author_id") "author_id" FROM "book") AS "count_sub"
-- args:
