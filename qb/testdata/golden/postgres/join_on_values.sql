SELECT * FROM "user" AS "u" INNER JOIN "account" AS "a" ON ((("a"."kind" <> $1 AND "a"."user_id" = "u"."id" AND "a"."deleted" IS NULL) OR "a"."kept" IS NULL) AND "a"."id" NOT IN ($2) AND "a"."n" >= $3 AND "a"."n" <= $4) OR "a"."id" IN ($5)
-- args: "x" 9 1 5 1
