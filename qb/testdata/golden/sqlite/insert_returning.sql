INSERT INTO "book" ("title") VALUES (?) RETURNING "id", "title"
-- args: "A"
