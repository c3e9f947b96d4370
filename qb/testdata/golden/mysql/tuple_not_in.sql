SELECT * FROM `book` WHERE (`a`, `b`) NOT IN ((?, ?))
-- args: 1 "x"
