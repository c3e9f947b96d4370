SELECT * FROM `book` WHERE EXISTS (SELECT 1 FROM `tag` WHERE x = ?)
-- args: 3
