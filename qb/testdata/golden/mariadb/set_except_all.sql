SELECT `id` FROM `a` EXCEPT ALL SELECT `id` FROM `b`
-- args:
