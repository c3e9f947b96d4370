SELECT * FROM "book" WHERE "title" ILIKE $1 ESCAPE '\'
-- args: "the %"
