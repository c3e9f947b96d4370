SET FOREIGN_KEY_CHECKS = 0;

CREATE TABLE `series` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `title` varchar(255) NOT NULL,
  `publisher_id` bigint NOT NULL,
  PRIMARY KEY (`id`),
  KEY `series_publisher_id_index` (`publisher_id`),
  CONSTRAINT `series_publisher_id_foreign` FOREIGN KEY (`publisher_id`) REFERENCES `publisher` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

ALTER TABLE `tag` ADD COLUMN `color` varchar(7);

ALTER TABLE `tag` MODIFY `name` varchar(80) NOT NULL;

ALTER TABLE `publisher` MODIFY `country` varchar(3) NOT NULL DEFAULT 'NLD';

CREATE INDEX `tag_color_index` ON `tag` (`color`);

DROP TABLE `category`;

SET FOREIGN_KEY_CHECKS = 1;
