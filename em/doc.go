// Package em is the EntityManager users hold: it finds entities (hydrating
// rows into its Identity Map), tracks them, and writes their changes at
// Flush in one transaction, in foreign-key order, batched.
//
// An EntityManager is one unit of work and is not safe for concurrent use:
// Fork gives each request or job its own. A call made while another
// goroutine's call on the same EntityManager runs is refused with
// ErrConcurrentUse before it touches anything (one atomic compare-and-swap
// per call; see guard.go for what it covers). The root EntityManager refuses
// work unless the configuration allows it, so that state cannot leak
// between requests (MikroORM's global-context guard).
//
// Reads are generic free functions, since Go has no generic methods:
//
//	books, err := em.Find[Book](ctx, m, qb.Cond{"author.name": qb.Like("Jon%")},
//		em.OrderBy("title", qb.Desc), em.Limit(10))
//
// Conditions may go through to-many relations (a correlated EXISTS, so
// roots are never duplicated): qb.Cond{"tags.name": "go"}, qb.Some,
// qb.None, qb.Every (tomany.go). Large results page with cursors or stream
// in batches with bounded memory (cursor.go, stream.go):
//
//	page, err := em.FindByCursor[Book](ctx, m, nil, em.Cursor{First: 20, After: prev.EndCursor},
//		em.OrderBy("price", qb.Desc))
//	for book, err := range em.Stream[Book](ctx, m, nil, em.StreamOptions{BatchSize: 500}) { ... }
//
// Create and Assign take decoded JSON (nested objects, lists of keys,
// RFC 3339 times, JSON numbers), naming the path of a bad value
// (assign_dto.go):
//
//	book, err := em.Create[Book](m, map[string]any{"title": "Go", "author": map[string]any{"id": 1}})
//
// Mapping depth (each file opens with its rules): filters and soft delete
// (filter.go, softdelete.go: Config.Filters, EnableFilter, WithFilter,
// WithDeleted, Restore), validation before flush (validation.go: tag rules
// and the Validator hook, one *ValidationError), lazy properties (lazy.go:
// em.Populate of a lazy property's name), formulas in conditions
// (formula.go), custom types in conditions (custom.go), embeddables in
// ToJSON (serialize_embedded.go) and single-table inheritance ([As],
// [EntityManager.Concrete], inherit.go).
//
// The EntityManager talks to a Driver, defined here and spoken in the types
// of the packages below it (qb queries, uow plans and loads, meta entities),
// so that SQL (package sqldb) and MongoDB drivers implement one contract.
package em
