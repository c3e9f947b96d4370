SELECT "we""ird", "back`tick", "semi;colon" FROM "ta""ble" WHERE "a;b" = ? AND "c""ol" = ? AND "x`y" = ?
-- args: 3 1 2
