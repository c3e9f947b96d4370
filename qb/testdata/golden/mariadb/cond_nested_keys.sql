SELECT * FROM `book` WHERE NOT (`d` = ?) AND (`a` = ? OR (`b` = ? AND `c` = ?)) AND `e` = ?
-- args: 4 1 2 3 5
