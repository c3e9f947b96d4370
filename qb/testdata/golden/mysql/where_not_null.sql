SELECT * FROM `book` WHERE `deleted_at` IS NOT NULL
-- args:
