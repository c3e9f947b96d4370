SELECT "a"."id", "a"."name" FROM "author" AS "a"
-- args:
