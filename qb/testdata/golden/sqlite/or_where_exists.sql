SELECT * FROM "author" AS "a" WHERE "a"."id" = ? OR EXISTS (SELECT 1 FROM "book" AS "b" WHERE "b"."author_id" = "a"."id") OR NOT EXISTS (SELECT 1)
-- args: 1
