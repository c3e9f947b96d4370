WITH `t` (`x`) AS (SELECT `id` FROM `book`) SELECT `x` FROM `t`
-- args:
