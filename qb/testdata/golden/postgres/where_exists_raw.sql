SELECT * FROM "book" WHERE EXISTS (SELECT 1 FROM "tag" WHERE x = $1)
-- args: 3
