INSERT INTO "archive" ("id", "title") SELECT "id", "title" FROM "book" WHERE "price" < $1
-- args: 1
