INSERT INTO "counter" DEFAULT VALUES
-- args:
