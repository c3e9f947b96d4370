DELETE FROM `book` WHERE `a` IS NULL OR `b` IS NULL
-- args:
