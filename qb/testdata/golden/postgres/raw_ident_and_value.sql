SELECT "price" + $1 FROM "book"
-- args: 1
