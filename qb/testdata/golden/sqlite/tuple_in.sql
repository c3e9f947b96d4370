SELECT * FROM "book" WHERE ("author_id", "id") IN (VALUES (?, ?), (?, ?))
-- args: 1 2 3 4
