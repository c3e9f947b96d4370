SELECT * FROM "book" AS "b" LEFT JOIN "author" AS "a" ON "a"."id" = "b"."author_id"
-- args:
