SELECT `id` FROM `a` UNION SELECT id FROM b WHERE x = ?
-- args: 1
