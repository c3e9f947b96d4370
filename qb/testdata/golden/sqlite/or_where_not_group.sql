SELECT * FROM "book" WHERE "a" = ? OR NOT ("b" = ? AND "c" = ?)
-- args: 1 2 3
