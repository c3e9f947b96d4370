SELECT * FROM `book` WHERE author_id IN (SELECT `author_id` FROM `book` WHERE `price` > ?)
-- args: 10
