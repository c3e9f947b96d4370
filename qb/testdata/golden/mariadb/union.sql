SELECT `id` FROM `a` UNION SELECT `id` FROM `b` ORDER BY `id` ASC LIMIT 3
-- args:
