SELECT * FROM `book` WHERE `a` = ? OR NOT (`b` = ?)
-- args: 1 2
