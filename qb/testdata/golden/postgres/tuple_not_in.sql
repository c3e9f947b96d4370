SELECT * FROM "book" WHERE ("a", "b") NOT IN (($1, $2))
-- args: 1 "x"
