SELECT * FROM `book` WHERE 1=1
-- args:
