PRAGMA foreign_keys = OFF;

DROP TABLE IF EXISTS "book_tags";

DROP TABLE IF EXISTS "book";

DROP TABLE IF EXISTS "author";

DROP TABLE IF EXISTS "edition";

DROP TABLE IF EXISTS "category";

DROP TABLE IF EXISTS "tag";

DROP TABLE IF EXISTS "publisher";

PRAGMA foreign_keys = ON;
