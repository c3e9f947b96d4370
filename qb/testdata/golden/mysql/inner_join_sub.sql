SELECT * FROM `author` AS `a` INNER JOIN (SELECT `author_id`, count(*) AS `n` FROM `book` GROUP BY `author_id`) AS `c` ON `c`.`author_id` = `a`.`id`
-- args:
