INSERT INTO "book" ("title", "price") VALUES ($1, $2)
-- args: "A" 10
