SELECT * FROM "book" WHERE "title" ~ $1
-- args: "^A.*z$"
