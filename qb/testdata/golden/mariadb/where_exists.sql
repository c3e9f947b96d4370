SELECT * FROM `author` AS `a` WHERE EXISTS (SELECT 1 FROM `book` AS `b` WHERE `b`.`author_id` = `a`.`id`)
-- args:
