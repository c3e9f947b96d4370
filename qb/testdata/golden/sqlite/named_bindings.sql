SELECT "title" FROM "book" WHERE id = ? OR author_id = ?
-- args: 7 7
