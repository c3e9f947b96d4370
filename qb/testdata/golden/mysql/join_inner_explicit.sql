SELECT * FROM `book` AS `b` INNER JOIN `author` AS `a` ON `a`.`id` = `b`.`author_id` AND `a`.`x` <> `b`.`y`
-- args:
