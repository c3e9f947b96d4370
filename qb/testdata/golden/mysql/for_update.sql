SELECT * FROM `book` WHERE `id` = ? FOR UPDATE
-- args: 1
