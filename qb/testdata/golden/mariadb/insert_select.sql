INSERT INTO `archive` (`id`, `title`) SELECT `id`, `title` FROM `book` WHERE `price` < ?
-- args: 1
