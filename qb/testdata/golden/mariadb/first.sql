SELECT * FROM `book` ORDER BY `id` ASC LIMIT 1
-- args:
