SELECT "id" FROM "a" INTERSECT SELECT "id" FROM "b" ORDER BY "id" ASC
-- args:
