SELECT * FROM "book" WHERE price > ? AND title <> ?
-- args: 3 "x"
