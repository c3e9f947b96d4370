SELECT * FROM `book` ORDER BY (`price` IS NULL) DESC, `price` DESC
-- args:
