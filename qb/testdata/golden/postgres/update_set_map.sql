UPDATE "book" SET "author_id" = "other_id", "price" = $1, "title" = $2
-- args: 2 "B"
