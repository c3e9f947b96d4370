INSERT INTO "book" ("isbn", "title") VALUES ($1, $2) ON CONFLICT DO NOTHING
-- args: "1" "A"
