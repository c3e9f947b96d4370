INSERT INTO `book` (`isbn`, `title`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `title` = VALUES(`title`) RETURNING `id`
-- args: "1" "A"
