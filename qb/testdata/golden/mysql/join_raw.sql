SELECT * FROM `book` AS `b` NATURAL JOIN `book_extra`
-- args:
