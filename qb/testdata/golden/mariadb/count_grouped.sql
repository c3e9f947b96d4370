SELECT count(*) FROM (SELECT `author_id` FROM `book` GROUP BY `author_id`) AS `count_sub`
-- args:
