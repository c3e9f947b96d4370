SELECT * FROM "user" AS "u" LEFT JOIN "account" AS "a" ON ("a"."user_id" = "u"."id" OR "a"."owner_id" = "u"."id") AND "a"."active" = $1 AND "a"."kind" IN ($2, $3)
-- args: true 1 2
