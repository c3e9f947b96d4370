SELECT 1 + ?
-- args: 1
