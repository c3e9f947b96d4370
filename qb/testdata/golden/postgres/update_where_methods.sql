UPDATE "book" SET "x" = $1 WHERE ("title" LIKE $2 ESCAPE '\' OR (id = $3)) AND 1=1
-- args: 1 "a%" 3
