SELECT "t"."n" FROM (SELECT count(*) AS "n" FROM "book") AS "t"
-- args:
