SELECT * FROM `book` ORDER BY (`price` IS NULL) ASC, `price` DESC
-- args:
