SET FOREIGN_KEY_CHECKS = 0;

DROP TABLE `book_tags`;

DROP TABLE `book`;

DROP TABLE `author`;

DROP TABLE `edition`;

DROP TABLE `category`;

DROP TABLE `tag`;

DROP TABLE `publisher`;

SET FOREIGN_KEY_CHECKS = 1;
