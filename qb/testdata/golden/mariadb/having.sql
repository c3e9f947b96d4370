SELECT `author_id` FROM `book` GROUP BY `author_id` HAVING count(*) > ? AND sum(`price`) <= ?
-- args: 1 100
