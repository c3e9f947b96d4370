SELECT * FROM `book` WHERE (`author_id`, `id`) IN ((?, ?), (?, ?))
-- args: 1 2 3 4
