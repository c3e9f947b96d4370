SELECT * FROM `a` WHERE `a`.`x` = `a`.`y` AND `a`.`z` > `a`.`w`
-- args:
