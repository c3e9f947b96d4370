SELECT * FROM "book" WHERE ("a", "b") NOT IN (VALUES (?, ?))
-- args: 1 "x"
