SELECT * FROM `book` FOR SHARE
-- args:
