DELETE FROM "book" WHERE ("a", "b") IN (VALUES (?, ?), (?, ?))
-- args: 1 2 3 4
