DELETE FROM "book"
-- args:
