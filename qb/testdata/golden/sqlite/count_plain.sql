SELECT count(*) FROM "book" WHERE "a" = ?
-- args: 1
