UPDATE `book` SET `stock` = `stock` + ?, `reserved` = `reserved` - ? WHERE `id` IN (?, ?)
-- args: 2 1 1 2
