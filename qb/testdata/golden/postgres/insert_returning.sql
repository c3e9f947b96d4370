INSERT INTO "book" ("title") VALUES ($1) RETURNING "id", "title"
-- args: "A"
