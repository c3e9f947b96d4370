SELECT * FROM "book" WHERE 1=0
-- args:
