SELECT "b"."title", "a"."name" FROM "book" AS "b" INNER JOIN "author" AS "a" ON "a"."id" = "b"."author_id"
-- args:
