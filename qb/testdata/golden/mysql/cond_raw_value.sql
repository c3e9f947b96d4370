SELECT * FROM `book` WHERE `created` < (now())
-- args:
