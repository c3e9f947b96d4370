// Package rel holds the types that entity structs name to declare
// relations, so that the packages which manage entities (uow, populate, em)
// and the user's own code can import them without import cycles.
//
// A to-one relation is a plain pointer to another entity struct. A to-many
// relation is a [Collection]:
//
//	type Author struct {
//		ID    int64                 `orm:"pk"`
//		Books rel.Collection[*Book] `orm:"1:m,mappedBy=Author"`
//	}
//
// The zero value of a Collection is usable and not initialized (not loaded):
// items can be added and removed, but reading its content returns
// [ErrNotInitialized] until the ORM loads it or the user replaces its whole
// content with [Collection.Set]. A Collection records what was added and
// removed since it was last loaded or flushed, which the Unit of Work turns
// into pivot-table and foreign-key writes.
//
// The methods in the "ORM hooks" group (Hydrate, MarkInitialized, Added,
// Removed, ResetDiff, and the untyped [AnyCollection] interface) are meant for
// the ORM itself; application code rarely needs them.
//
// A Collection is not safe for concurrent use, like the entity that holds it.
package rel
