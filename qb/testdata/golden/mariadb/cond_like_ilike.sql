SELECT * FROM `book` WHERE `name` LIKE ? COLLATE utf8mb4_general_ci ESCAPE '\\' AND `title` LIKE ? COLLATE utf8mb4_bin ESCAPE '\\'
-- args: "%ärger%" "A_c%"
