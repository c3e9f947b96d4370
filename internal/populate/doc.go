// Package populate loads relations of already loaded entities by path
// ("author", "books.tags", "author.books.tags", "*"), one batched query per
// relation level (the select-in strategy): keys are collected from the
// whole level, deduplicated, and sent in IN lists chunked under the
// database's bound-parameter limit. Relations the Identity Map already
// holds cost no query.
package populate
