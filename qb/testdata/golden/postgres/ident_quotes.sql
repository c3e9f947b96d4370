SELECT "we""ird", "back`tick", "semi;colon" FROM "ta""ble" WHERE "a;b" = $1 AND "c""ol" = $2 AND "x`y" = $3
-- args: 3 1 2
