SELECT * FROM `book` WHERE (`author_id`, `id`) IN (SELECT `author_id`, max(`id`) FROM `book` GROUP BY `author_id`)
-- args:
