SELECT `id` FROM `a` INTERSECT ALL SELECT `id` FROM `b`
-- args:
