INSERT INTO "book" ("isbn", "title") VALUES (?, ?) ON CONFLICT ("isbn") DO NOTHING
-- args: "1" "A"
