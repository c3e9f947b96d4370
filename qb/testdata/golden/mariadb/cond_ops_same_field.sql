SELECT * FROM `book` WHERE `price` >= ? AND `price` < ?
-- args: 10 20
