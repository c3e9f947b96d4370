SELECT 1 + $1
-- args: 1
