SELECT * FROM `book` WHERE `id` IN (?, ?, ?)
-- args: 1 2 3
