INSERT INTO "book" ("title", "price") VALUES ($1, $2), ($3, $4)
-- args: "A" 10 "B" <nil>
