TRUNCATE TABLE "book"
-- args:
