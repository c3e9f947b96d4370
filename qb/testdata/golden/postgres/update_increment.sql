UPDATE "book" SET "stock" = "stock" + $1, "reserved" = "reserved" - $2 WHERE "id" IN ($3, $4)
-- args: 2 1 1 2
