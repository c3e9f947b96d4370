SELECT * FROM `book` WHERE `title` REGEXP ?
-- args: "^A.*z$"
