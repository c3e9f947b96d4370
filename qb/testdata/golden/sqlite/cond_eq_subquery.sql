SELECT * FROM "book" WHERE "price" = (SELECT max("price") FROM "book")
-- args:
