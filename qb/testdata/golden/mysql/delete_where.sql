DELETE FROM `book` WHERE `price` < ? AND `title` IS NOT NULL
-- args: 1
