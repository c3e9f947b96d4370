SELECT * FROM "book" AS "b" RIGHT JOIN "author" AS "a" ON "a"."id" = "b"."author_id"
-- args:
