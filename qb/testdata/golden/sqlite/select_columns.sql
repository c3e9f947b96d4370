SELECT "id", "b"."title", "b"."title" AS "t", "b"."price" AS "p", "b".* FROM "book" AS "b"
-- args:
