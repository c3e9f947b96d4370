SELECT * FROM `book`
-- args:
