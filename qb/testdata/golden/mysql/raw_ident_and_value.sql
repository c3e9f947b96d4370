SELECT `price` + ? FROM `book`
-- args: 1
