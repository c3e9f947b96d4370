DELETE FROM `book` WHERE (`a`, `b`) IN ((?, ?), (?, ?))
-- args: 1 2 3 4
