SELECT * FROM "book" WHERE 1=0 OR ("a") IN (VALUES (?))
-- args: <nil>
