SELECT * FROM `book` WHERE `title` LIKE ? COLLATE utf8mb4_bin ESCAPE '\\'
-- args: "The %"
