SELECT `id` FROM `a` UNION ALL SELECT `id` FROM `b` UNION ALL SELECT `id` FROM `c`
-- args:
