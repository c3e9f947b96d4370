SELECT "id" FROM "a" EXCEPT SELECT "id" FROM "b" LIMIT 2
-- args:
