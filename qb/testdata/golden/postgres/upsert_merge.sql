INSERT INTO "book" ("isbn", "title", "price") VALUES ($1, $2, $3) ON CONFLICT ("isbn") DO UPDATE SET "title" = EXCLUDED."title", "price" = EXCLUDED."price"
-- args: "1" "A" 10
