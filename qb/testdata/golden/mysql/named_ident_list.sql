SELECT `id`, `title` FROM book
-- args:
