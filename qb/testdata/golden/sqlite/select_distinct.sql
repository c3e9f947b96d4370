SELECT DISTINCT "author_id" FROM "book"
-- args:
