SELECT * FROM "book" WHERE 1=0 OR ("a") IN (($1))
-- args: <nil>
