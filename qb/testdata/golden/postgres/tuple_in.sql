SELECT * FROM "book" WHERE ("author_id", "id") IN (($1, $2), ($3, $4))
-- args: 1 2 3 4
