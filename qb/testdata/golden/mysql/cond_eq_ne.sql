SELECT * FROM `book` WHERE `a` = ? AND `b` <> ? AND `c` IS NULL AND `d` IS NOT NULL
-- args: 1 2
