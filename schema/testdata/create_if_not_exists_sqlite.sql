CREATE TABLE IF NOT EXISTS "publisher" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "name" varchar(100) NOT NULL,
  "country" varchar(2) NOT NULL DEFAULT 'NL'
);

CREATE UNIQUE INDEX IF NOT EXISTS "publisher_name_unique" ON "publisher" ("name");

CREATE TABLE IF NOT EXISTS "tag" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "name" varchar(50) NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS "tag_name_unique" ON "tag" ("name");

CREATE TABLE IF NOT EXISTS "category" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "name" text NOT NULL,
  "parent_id" integer,
  CONSTRAINT "category_parent_id_foreign" FOREIGN KEY ("parent_id") REFERENCES "category" ("id")
);

CREATE INDEX IF NOT EXISTS "category_parent_id_index" ON "category" ("parent_id");

CREATE TABLE IF NOT EXISTS "edition" (
  "isbn" varchar(13) NOT NULL,
  "number" integer NOT NULL,
  "year" integer NOT NULL,
  PRIMARY KEY ("isbn", "number")
);

CREATE TABLE IF NOT EXISTS "author" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "name" varchar(255) NOT NULL,
  "email" varchar(255) NOT NULL,
  "born" datetime,
  "active" integer NOT NULL DEFAULT true,
  "rating" real,
  "avatar" blob,
  "favourite_book_id" integer,
  "version" integer NOT NULL DEFAULT 1,
  CONSTRAINT "author_favourite_book_id_foreign" FOREIGN KEY ("favourite_book_id") REFERENCES "book" ("id") ON DELETE SET NULL
);

CREATE INDEX IF NOT EXISTS "author_name_index" ON "author" ("name");

CREATE UNIQUE INDEX IF NOT EXISTS "author_email_unique" ON "author" ("email");

CREATE INDEX IF NOT EXISTS "author_favourite_book_id_index" ON "author" ("favourite_book_id");

CREATE TABLE IF NOT EXISTS "book" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "title" varchar(255) NOT NULL,
  "code" text NOT NULL,
  "price" numeric NOT NULL DEFAULT 0,
  "meta" text,
  "published" datetime,
  "created" datetime NOT NULL,
  "author_id" integer NOT NULL,
  "publisher_id" integer,
  CONSTRAINT "book_author_id_foreign" FOREIGN KEY ("author_id") REFERENCES "author" ("id") ON DELETE CASCADE,
  CONSTRAINT "book_publisher_id_foreign" FOREIGN KEY ("publisher_id") REFERENCES "publisher" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE UNIQUE INDEX IF NOT EXISTS "book_title_author_unique" ON "book" ("title", "author_id");

CREATE INDEX IF NOT EXISTS "book_author_id_index" ON "book" ("author_id");

CREATE INDEX IF NOT EXISTS "book_publisher_id_index" ON "book" ("publisher_id");

CREATE TABLE IF NOT EXISTS "book_tags" (
  "book_id" integer NOT NULL,
  "tag_id" integer NOT NULL,
  PRIMARY KEY ("book_id", "tag_id"),
  CONSTRAINT "book_tags_book_id_foreign" FOREIGN KEY ("book_id") REFERENCES "book" ("id") ON DELETE CASCADE,
  CONSTRAINT "book_tags_tag_id_foreign" FOREIGN KEY ("tag_id") REFERENCES "tag" ("id") ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS "book_tags_tag_id_index" ON "book_tags" ("tag_id");
