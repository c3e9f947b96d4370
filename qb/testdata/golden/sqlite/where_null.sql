SELECT * FROM "book" WHERE "deleted_at" IS NULL
-- args:
