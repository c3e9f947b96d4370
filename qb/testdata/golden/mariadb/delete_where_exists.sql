DELETE FROM `author` WHERE NOT EXISTS (SELECT 1 FROM `book` WHERE `book`.`author_id` = `author`.`id`)
-- args:
