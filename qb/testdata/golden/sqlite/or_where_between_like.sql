SELECT * FROM "book" WHERE "a" = ? OR ("p" >= ? AND "p" <= ?) OR NOT ("q" >= ? AND "q" <= ?) OR "t" GLOB ? OR unitorm_fold("u") LIKE unitorm_fold(?) ESCAPE '\'
-- args: 1 1 2 3 4 "A*" "b%"
