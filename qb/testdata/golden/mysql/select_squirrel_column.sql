SELECT coalesce(title, ?) FROM `book`
-- args: "none"
