SELECT `author_id` FROM `book` GROUP BY `author_id` HAVING count(*) > ?
-- args: 2
