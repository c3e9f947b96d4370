SELECT * FROM `book` WHERE NOT (`a` = ? AND `b` = ?)
-- args: 1 2
