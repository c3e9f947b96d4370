WITH RECURSIVE `t` (`n`) AS (SELECT 1 UNION ALL SELECT n + 1 FROM `t` WHERE `n` < ?) SELECT `n` FROM `t`
-- args: 5
