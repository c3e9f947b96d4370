SELECT * FROM `book` WHERE lower(`title`) LIKE lower(?) COLLATE utf8mb4_bin ESCAPE '\\'
-- args: "the %"
