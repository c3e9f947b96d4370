SELECT coalesce(title, $1) FROM "book"
-- args: "none"
