SELECT * FROM `book` WHERE `id` IN (?, ?)
-- args: 4 5
