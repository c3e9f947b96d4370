SELECT * FROM "book" AS "b" FULL JOIN "author" AS "a" ON "a"."id" = "b"."author_id"
-- args:
