SELECT * FROM `book` LIMIT 0
-- args:
