INSERT INTO "book" ("isbn", "title") VALUES (?, ?) ON CONFLICT ("isbn") DO UPDATE SET "title" = EXCLUDED."title" RETURNING "id"
-- args: "1" "A"
