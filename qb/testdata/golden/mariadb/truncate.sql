TRUNCATE TABLE `book`
-- args:
