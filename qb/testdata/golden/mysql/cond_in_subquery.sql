SELECT * FROM `book` WHERE `author_id` IN (SELECT `id` FROM `author` WHERE `name` LIKE ? COLLATE utf8mb4_bin ESCAPE '\\')
-- args: "J%"
