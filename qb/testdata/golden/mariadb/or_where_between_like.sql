SELECT * FROM `book` WHERE `a` = ? OR (`p` >= ? AND `p` <= ?) OR NOT (`q` >= ? AND `q` <= ?) OR `t` LIKE ? COLLATE utf8mb4_bin ESCAPE '\\' OR lower(`u`) LIKE lower(?) COLLATE utf8mb4_bin ESCAPE '\\'
-- args: 1 1 2 3 4 "A%" "b%"
