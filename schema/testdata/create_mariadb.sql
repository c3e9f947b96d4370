CREATE TABLE `publisher` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `name` varchar(100) NOT NULL,
  `country` varchar(2) NOT NULL DEFAULT 'NL',
  PRIMARY KEY (`id`),
  UNIQUE KEY `publisher_name_unique` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `tag` (
  `id` int NOT NULL AUTO_INCREMENT,
  `name` varchar(50) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `tag_name_unique` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `category` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `name` text NOT NULL,
  `parent_id` bigint,
  PRIMARY KEY (`id`),
  KEY `category_parent_id_index` (`parent_id`),
  CONSTRAINT `category_parent_id_foreign` FOREIGN KEY (`parent_id`) REFERENCES `category` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `edition` (
  `isbn` varchar(13) NOT NULL,
  `number` int NOT NULL,
  `year` smallint NOT NULL,
  PRIMARY KEY (`isbn`, `number`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `author` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `name` varchar(255) NOT NULL,
  `email` varchar(255) NOT NULL,
  `born` datetime(6),
  `active` tinyint(1) NOT NULL DEFAULT true,
  `rating` double,
  `avatar` longblob,
  `favourite_book_id` bigint,
  `version` bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (`id`),
  KEY `author_name_index` (`name`),
  UNIQUE KEY `author_email_unique` (`email`),
  KEY `author_favourite_book_id_index` (`favourite_book_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `book` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `title` varchar(255) NOT NULL,
  `code` char(36) NOT NULL,
  `price` decimal(10,2) NOT NULL DEFAULT 0,
  `meta` json,
  `published` datetime(6),
  `created` datetime(6) NOT NULL,
  `author_id` bigint NOT NULL,
  `publisher_id` bigint,
  PRIMARY KEY (`id`),
  UNIQUE KEY `book_title_author_unique` (`title`, `author_id`),
  KEY `book_author_id_index` (`author_id`),
  KEY `book_publisher_id_index` (`publisher_id`),
  CONSTRAINT `book_author_id_foreign` FOREIGN KEY (`author_id`) REFERENCES `author` (`id`) ON DELETE CASCADE,
  CONSTRAINT `book_publisher_id_foreign` FOREIGN KEY (`publisher_id`) REFERENCES `publisher` (`id`) ON DELETE SET NULL ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `book_tags` (
  `book_id` bigint NOT NULL,
  `tag_id` int NOT NULL,
  PRIMARY KEY (`book_id`, `tag_id`),
  KEY `book_tags_tag_id_index` (`tag_id`),
  CONSTRAINT `book_tags_book_id_foreign` FOREIGN KEY (`book_id`) REFERENCES `book` (`id`) ON DELETE CASCADE,
  CONSTRAINT `book_tags_tag_id_foreign` FOREIGN KEY (`tag_id`) REFERENCES `tag` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

ALTER TABLE `author` ADD CONSTRAINT `author_favourite_book_id_foreign` FOREIGN KEY (`favourite_book_id`) REFERENCES `book` (`id`) ON DELETE SET NULL;
