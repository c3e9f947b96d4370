SELECT * FROM `book` WHERE lower(`name`) LIKE lower(?) COLLATE utf8mb4_bin ESCAPE '\\' AND `title` LIKE ? COLLATE utf8mb4_bin ESCAPE '\\'
-- args: "%ärger%" "A_c%"
