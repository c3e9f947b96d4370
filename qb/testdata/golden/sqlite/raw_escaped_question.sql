SELECT * FROM "book" WHERE data ? 'key' AND id = ?
-- args: 1
