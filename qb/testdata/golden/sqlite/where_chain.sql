SELECT * FROM "book" WHERE ("a" = ? OR "b" = ?) AND "c" = ?
-- args: 1 2 3
