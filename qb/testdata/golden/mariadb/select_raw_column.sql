SELECT upper(`title`) AS `up` FROM `book`
-- args:
