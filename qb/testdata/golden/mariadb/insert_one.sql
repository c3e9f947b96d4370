INSERT INTO `book` (`title`, `price`) VALUES (?, ?)
-- args: "A" 10
