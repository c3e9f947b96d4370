SELECT lower(title) AS `t` FROM `book` GROUP BY lower(title)
-- args:
