UPDATE "book" SET "price" = $1 WHERE ("a", "b") IN (($2, $3))
-- args: 1 1 2
