SELECT * FROM "book" WHERE "title" GLOB ?
-- args: "[[][*][?]]%_*"
