UPDATE `book` SET `updated` = (CURRENT_TIMESTAMP) WHERE `updated` IS NULL
-- args:
