UPDATE "book" SET "author_id" = "other_id", "price" = ?, "title" = ?
-- args: 2 "B"
