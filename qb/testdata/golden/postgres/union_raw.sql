SELECT "id" FROM "a" UNION SELECT id FROM b WHERE x = $1
-- args: 1
