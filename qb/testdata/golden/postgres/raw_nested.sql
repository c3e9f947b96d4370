SELECT * FROM "book" WHERE price > $1 * 2
-- args: 5
