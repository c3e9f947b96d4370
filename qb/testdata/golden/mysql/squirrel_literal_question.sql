SELECT * FROM `book` WHERE data ? 'k' AND id = ?
-- args: 7
