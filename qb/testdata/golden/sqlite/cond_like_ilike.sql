SELECT * FROM "book" WHERE unitorm_fold("name") LIKE unitorm_fold(?) ESCAPE '\' AND "title" GLOB ?
-- args: "%ärger%" "A?c*"
