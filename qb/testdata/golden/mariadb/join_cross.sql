SELECT * FROM `book` AS `b` CROSS JOIN `tag` AS `t`
-- args:
