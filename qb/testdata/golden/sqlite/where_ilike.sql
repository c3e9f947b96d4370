SELECT * FROM "book" WHERE unitorm_fold("title") LIKE unitorm_fold(?) ESCAPE '\'
-- args: "the %"
