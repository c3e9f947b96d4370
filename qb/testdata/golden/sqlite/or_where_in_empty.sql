SELECT * FROM "book" WHERE "a" = ? OR 1=0
-- args: 1
