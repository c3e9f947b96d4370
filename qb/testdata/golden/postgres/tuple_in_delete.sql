DELETE FROM "book" WHERE ("a", "b") IN (($1, $2), ($3, $4))
-- args: 1 2 3 4
