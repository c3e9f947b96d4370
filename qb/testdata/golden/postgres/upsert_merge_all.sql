INSERT INTO "book" ("isbn", "title", "price") VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT ("isbn") DO UPDATE SET "title" = EXCLUDED."title", "price" = EXCLUDED."price"
-- args: "1" "A" 10 "2" "B" 20
