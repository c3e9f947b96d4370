SELECT `a`.`id` FROM `author` AS `a`
-- args:
