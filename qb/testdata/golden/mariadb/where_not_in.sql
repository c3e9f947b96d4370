SELECT * FROM `book` WHERE `id` NOT IN (?, ?)
-- args: 1 2
