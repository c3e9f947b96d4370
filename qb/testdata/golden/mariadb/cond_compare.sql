SELECT * FROM `book` WHERE `a` > ? AND `b` >= ? AND `c` < ? AND `d` <= ?
-- args: 1 2 3 4
