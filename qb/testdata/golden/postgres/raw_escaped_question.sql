SELECT * FROM "book" WHERE data ? 'key' AND id = $1
-- args: 1
