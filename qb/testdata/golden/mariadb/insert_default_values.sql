INSERT INTO `counter` () VALUES ()
-- args:
