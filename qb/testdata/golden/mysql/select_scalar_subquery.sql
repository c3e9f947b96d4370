SELECT `a`.`name`, (SELECT count(*) FROM `book` AS `b` WHERE `b`.`author_id` = `a`.`id`) AS `books` FROM `author` AS `a`
-- args:
