SELECT DISTINCT ON ("author_id") "author_id", "title" FROM "book" ORDER BY "author_id" ASC, "price" DESC
-- args:
