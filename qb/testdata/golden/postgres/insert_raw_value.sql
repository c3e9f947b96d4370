INSERT INTO "book" ("title", "created") VALUES ($1, (CURRENT_TIMESTAMP))
-- args: "A"
