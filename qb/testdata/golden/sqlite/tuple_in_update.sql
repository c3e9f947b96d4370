UPDATE "book" SET "price" = ? WHERE ("a", "b") IN (VALUES (?, ?))
-- args: 1 1 2
