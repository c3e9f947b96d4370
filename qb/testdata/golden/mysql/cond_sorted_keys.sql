SELECT * FROM `book` WHERE `author`.`name` = ? AND `id` IN (?, ?) AND `price` >= ? AND `title` LIKE ? COLLATE utf8mb4_bin ESCAPE '\\'
-- args: "x" 1 2 10 "A%"
