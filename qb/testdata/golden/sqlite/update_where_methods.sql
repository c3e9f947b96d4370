UPDATE "book" SET "x" = ? WHERE ("title" GLOB ? OR (id = ?)) AND 1=1
-- args: 1 "a*" 3
