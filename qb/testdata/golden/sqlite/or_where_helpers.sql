SELECT * FROM "book" WHERE "a" = ? OR "b" IN (?, ?) OR "c" NOT IN (?) OR "d" IS NULL OR "e" IS NOT NULL
-- args: 1 1 2 3
