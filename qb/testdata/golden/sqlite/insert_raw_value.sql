INSERT INTO "book" ("title", "created") VALUES (?, (CURRENT_TIMESTAMP))
-- args: "A"
