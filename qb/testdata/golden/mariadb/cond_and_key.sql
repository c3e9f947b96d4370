SELECT * FROM `book` WHERE `a` = ? AND (`b` = ? OR `c` = ?)
-- args: 1 2 3
