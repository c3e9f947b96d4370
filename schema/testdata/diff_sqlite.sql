PRAGMA foreign_keys = OFF;

CREATE TABLE "series" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "title" varchar(255) NOT NULL,
  "publisher_id" integer NOT NULL,
  CONSTRAINT "series_publisher_id_foreign" FOREIGN KEY ("publisher_id") REFERENCES "publisher" ("id") ON DELETE CASCADE
);

CREATE INDEX "series_publisher_id_index" ON "series" ("publisher_id");

CREATE TABLE "_unitorm_new_tag" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "name" varchar(80) NOT NULL,
  "color" varchar(7)
);

INSERT INTO "_unitorm_new_tag" ("id", "name") SELECT "id", "name" FROM "tag";

DROP TABLE "tag";

ALTER TABLE "_unitorm_new_tag" RENAME TO "tag";

CREATE UNIQUE INDEX "tag_name_unique" ON "tag" ("name");

CREATE INDEX "tag_color_index" ON "tag" ("color");

CREATE TABLE "_unitorm_new_publisher" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "name" varchar(100) NOT NULL,
  "country" varchar(3) NOT NULL DEFAULT 'NLD'
);

INSERT INTO "_unitorm_new_publisher" ("id", "name", "country") SELECT "id", "name", "country" FROM "publisher";

DROP TABLE "publisher";

ALTER TABLE "_unitorm_new_publisher" RENAME TO "publisher";

CREATE UNIQUE INDEX "publisher_name_unique" ON "publisher" ("name");

DROP TABLE "category";

PRAGMA foreign_keys = ON;
