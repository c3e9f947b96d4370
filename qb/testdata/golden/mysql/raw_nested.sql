SELECT * FROM `book` WHERE price > ? * 2
-- args: 5
