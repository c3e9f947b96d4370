SELECT * FROM "book" WHERE "name" ILIKE $1 ESCAPE '\' AND "title" LIKE $2 ESCAPE '\'
-- args: "%ärger%" "A_c%"
