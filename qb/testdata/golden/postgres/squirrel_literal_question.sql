SELECT * FROM "book" WHERE data ? 'k' AND id = $1
-- args: 7
