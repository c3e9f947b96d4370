SELECT * FROM `book` WHERE `a` IS NULL AND `b` IS NOT NULL
-- args:
