SELECT * FROM `book` WHERE `a` = ? OR (`b` = ? AND `c` = ?) OR NOT (`d` = ?)
-- args: 1 2 3 4
