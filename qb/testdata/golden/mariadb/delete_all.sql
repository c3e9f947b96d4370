DELETE FROM `book`
-- args:
