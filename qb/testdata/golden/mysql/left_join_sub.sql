SELECT * FROM `author` AS `a` LEFT JOIN (SELECT `author_id`, count(*) AS `n` FROM `book` GROUP BY `author_id`) AS `c` ON `c`.`author_id` = `a`.`id` AND `c`.`n` > ?
-- args: 1
