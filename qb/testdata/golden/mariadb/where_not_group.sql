SELECT * FROM `book` WHERE `a` = ? AND NOT (`b` = ? OR `c` = ?)
-- args: 1 2 3
