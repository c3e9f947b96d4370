SELECT * FROM `book` WHERE (`a` IN (?) OR `a` IS NULL) AND (`b` NOT IN (?) AND `b` IS NOT NULL)
-- args: 1 2
