UPDATE "book" SET "x" = $1 WHERE ("a" = $2 OR "id" IN ($3, $4)) AND NOT ("y" IS NULL)
-- args: 1 1 1 2
