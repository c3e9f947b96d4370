UPDATE `book` SET `x` = ? WHERE (`title` LIKE ? COLLATE utf8mb4_bin ESCAPE '\\' OR (id = ?)) AND 1=1
-- args: 1 "a%" 3
