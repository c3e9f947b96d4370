UPDATE `book` SET `x` = ? WHERE (`a` = ? OR `id` IN (?, ?)) AND NOT (`y` IS NULL)
-- args: 1 1 1 2
