SELECT * FROM "book" WHERE (price > ? OR price IS NULL) AND "a" = ?
-- args: 10 1
