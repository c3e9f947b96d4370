SELECT * FROM `book` WHERE (a = ? OR b > ?)
-- args: 1 2
