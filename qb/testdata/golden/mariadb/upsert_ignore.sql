INSERT IGNORE INTO `book` (`isbn`, `title`) VALUES (?, ?)
-- args: "1" "A"
