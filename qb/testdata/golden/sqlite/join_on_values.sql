SELECT * FROM "user" AS "u" INNER JOIN "account" AS "a" ON ((("a"."kind" <> ? AND "a"."user_id" = "u"."id" AND "a"."deleted" IS NULL) OR "a"."kept" IS NULL) AND "a"."id" NOT IN (?) AND "a"."n" >= ? AND "a"."n" <= ?) OR "a"."id" IN (?)
-- args: "x" 9 1 5 1
