SELECT * FROM `book` ORDER BY (`price` IS NULL) DESC, `price` ASC
-- args:
