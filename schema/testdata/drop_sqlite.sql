PRAGMA foreign_keys = OFF;

DROP TABLE "book_tags";

DROP TABLE "book";

DROP TABLE "author";

DROP TABLE "edition";

DROP TABLE "category";

DROP TABLE "tag";

DROP TABLE "publisher";

PRAGMA foreign_keys = ON;
