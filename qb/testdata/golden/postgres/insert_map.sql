INSERT INTO "book" ("author_id", "price", "title") VALUES ($1, $2, $3), ($4, $5, $6)
-- args: 2 1 "A" 4 3 "B"
