UPDATE `author` SET `books` = (SELECT count(*) FROM `book` WHERE `book`.`author_id` = `author`.`id`)
-- args:
