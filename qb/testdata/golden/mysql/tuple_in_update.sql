UPDATE `book` SET `price` = ? WHERE (`a`, `b`) IN ((?, ?))
-- args: 1 1 2
