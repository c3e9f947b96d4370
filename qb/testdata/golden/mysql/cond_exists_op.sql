SELECT * FROM `book` WHERE `a` IS NOT NULL AND `b` IS NULL
-- args:
