SELECT * FROM "book" WHERE "author_id" IN (SELECT "id" FROM "author" WHERE "name" GLOB ?)
-- args: "J*"
