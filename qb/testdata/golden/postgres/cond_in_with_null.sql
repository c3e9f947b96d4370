SELECT * FROM "book" WHERE ("a" IN ($1) OR "a" IS NULL) AND ("b" NOT IN ($2) AND "b" IS NOT NULL)
-- args: 1 2
