SELECT * FROM `user` AS `u` LEFT JOIN `account` AS `a` ON (`a`.`user_id` = `u`.`id` OR `a`.`owner_id` = `u`.`id`) AND `a`.`active` = ? AND `a`.`kind` IN (?, ?)
-- args: true 1 2
