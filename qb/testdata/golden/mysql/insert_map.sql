INSERT INTO `book` (`author_id`, `price`, `title`) VALUES (?, ?, ?), (?, ?, ?)
-- args: 2 1 "A" 4 3 "B"
