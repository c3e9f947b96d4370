SELECT "id" FROM "a" UNION SELECT "id" FROM "b" EXCEPT SELECT "id" FROM "c"
-- args:
