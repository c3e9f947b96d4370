SELECT * FROM "book" WHERE id IN ($1, $2, $3)
-- args: 1 2 3
