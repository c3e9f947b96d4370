SELECT * FROM `book` WHERE NOT (`price` >= ? AND `price` <= ?)
-- args: 10 20
