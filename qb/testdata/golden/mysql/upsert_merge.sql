INSERT INTO `book` (`isbn`, `title`, `price`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `title` = VALUES(`title`), `price` = VALUES(`price`)
-- args: "1" "A" 10
