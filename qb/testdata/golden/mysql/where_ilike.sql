SELECT * FROM `book` WHERE `title` LIKE ? COLLATE utf8mb4_general_ci ESCAPE '\\'
-- args: "the %"
