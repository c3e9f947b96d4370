INSERT INTO "book" ("isbn", "title") VALUES (?, ?) ON CONFLICT DO NOTHING
-- args: "1" "A"
