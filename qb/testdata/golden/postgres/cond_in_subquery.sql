SELECT * FROM "book" WHERE "author_id" IN (SELECT "id" FROM "author" WHERE "name" LIKE $1 ESCAPE '\')
-- args: "J%"
