SELECT "title" FROM "book" WHERE id = $1 OR author_id = $2
-- args: 7 7
