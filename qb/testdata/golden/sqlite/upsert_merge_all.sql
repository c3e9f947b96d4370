INSERT INTO "book" ("isbn", "title", "price") VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT ("isbn") DO UPDATE SET "title" = EXCLUDED."title", "price" = EXCLUDED."price"
-- args: "1" "A" 10 "2" "B" 20
