SELECT * FROM "book" WHERE "title" LIKE $1 ESCAPE '\'
-- args: "[*?]\\%\\_%"
