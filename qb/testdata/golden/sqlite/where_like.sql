SELECT * FROM "book" WHERE "title" GLOB ?
-- args: "The *"
