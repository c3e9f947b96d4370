package rel

import (
	"errors"
	"fmt"
	"reflect"
	"unsafe"
)

// ErrNotInitialized is returned when the content of a collection that was
// never loaded (and never Set) is read.
var ErrNotInitialized = errors.New("rel: collection not initialized")

// Collection is the holder of a to-many relation (one-to-many or
// many-to-many). T is the element type, usually a pointer to an entity
// struct (Collection[*Book]).
//
// Items are compared with == when T is comparable (pointers, the usual case:
// identity, as the Identity Map guarantees one instance per row). When T is
// not comparable (a slice, map or func type, or an interface holding one),
// items are compared with reflect.DeepEqual, which is slower.
//
// Copying a Collection copies its header; the copies then share storage.
// Treat it like the entity that holds it: use it through a pointer.
type Collection[T any] struct {
	items       []T
	added       []T
	removed     []T
	initialized bool
	replaced    bool
	// owner and inv are set by the ORM (Bind) once the entity holding the
	// collection is managed: every Add and Remove then updates the other
	// side of the relation at once.
	owner any
	inv   Inverse
	// at and size locate the owner's struct: a collection outside it is a
	// copy (the entity was copied by value) and passes nothing on.
	at, size uintptr
}

// Inverse keeps the other side of a bidirectional relation in step with a
// collection. The ORM implements it (one value per relation) and binds it
// to the collections of the entities it manages; application code does not
// call it.
type Inverse interface {
	// Added is called once item has joined owner's collection: a
	// one-to-many item gets its owning pointer set to owner; the other side
	// of a many-to-many relation gets owner.
	Added(owner, item any)
	// Removed is called once item has left owner's collection.
	Removed(owner, item any)
}

// Replacer is implemented by an Inverse that can find the entities in memory
// that were on the other side of a collection whose unloaded content Set
// replaced: Replaced is called with the new items before they are added,
// so that those entities leave the owner at once.
type Replacer interface {
	Replaced(owner any, items []any)
}

// AnyCollection is implemented by *Collection[T] for every T. It lets code
// that does not know T (metadata by reflection, the Unit of Work, loaders)
// recognise a collection field, learn its element type and fill it.
type AnyCollection interface {
	// ElemType is the reflect.Type of T.
	ElemType() reflect.Type
	// IsInitialized reports whether the content is known (loaded or Set).
	IsInitialized() bool
	// AnyItems returns the current items, or nil when not initialized.
	AnyItems() []any
	// HydrateAny replaces the content like Hydrate. It fails, changing
	// nothing, when an item is not a T.
	HydrateAny(items []any) error
	// AddedAny and RemovedAny return the pending diff, like Added and Removed.
	AddedAny() []any
	RemovedAny() []any
	// ResetDiff, MarkInitialized and Replaced are as on Collection.
	ResetDiff()
	MarkInitialized()
	Replaced() bool
	// IsDirty reports whether anything was added or removed, or the content
	// replaced, since the last load or flush.
	IsDirty() bool
	// AddAny and RemoveAny are Add and Remove for one item of unknown type.
	AddAny(item any) error
	RemoveAny(item any) error
	// SaveDiff returns a function restoring the current diff and state.
	SaveDiff() func()
	// Bind, BindAssigned and IsBound are as on Collection.
	Bind(owner any, inv Inverse)
	BindAssigned(owner any, inv Inverse)
	IsBound() bool
	// SyncAdd and SyncRemove change the content for the ORM while it keeps
	// the two sides of a relation in step. They never call the Inverse
	// back. With record set they behave like Add and Remove (the change is
	// part of the diff, even on a collection that is not initialized).
	// Without it they only keep the collection in step with a change
	// recorded elsewhere: SyncAdd cancels a pending removal of item and adds
	// it if the collection is initialized; SyncRemove takes item out and
	// cancels a pending addition of it, recording no removal. They fail, changing nothing,
	// when item is not a T.
	SyncAdd(item any, record bool) error
	SyncRemove(item any, record bool) error
	// ContainsAny is Contains for an item of unknown type (false when it is
	// not a T).
	ContainsAny(item any) bool
	// SyncRemoveFunc takes out, without recording a removal, every item
	// for which drop reports true (pending additions of them are
	// cancelled); it reports whether it took any out.
	SyncRemoveFunc(drop func(item any) bool) bool
}

var _ AnyCollection = (*Collection[int])(nil)

// NewCollection returns an initialized collection holding items, as for a
// new entity whose relation content is fully known. The items count as added.
func NewCollection[T any](items ...T) Collection[T] {
	var c Collection[T]
	c.initialized = true
	c.Add(items...)
	return c
}

// Items returns a copy of the items, or ErrNotInitialized.
func (c *Collection[T]) Items() ([]T, error) {
	if !c.initialized {
		return nil, ErrNotInitialized
	}
	out := make([]T, len(c.items))
	copy(out, c.items)
	return out, nil
}

// Len returns the number of items, or ErrNotInitialized.
func (c *Collection[T]) Len() (int, error) {
	if !c.initialized {
		return 0, ErrNotInitialized
	}
	return len(c.items), nil
}

// IsInitialized reports whether the content is known: it was loaded by the
// ORM (Hydrate), marked initialized, or replaced with Set.
func (c *Collection[T]) IsInitialized() bool { return c.initialized }

// Contains reports whether item is in the collection. On a collection that
// is not initialized it only knows about items added since the last load.
func (c *Collection[T]) Contains(item T) bool {
	return indexOf(c.items, item) >= 0
}

// Add appends items that are not already present and records them as added.
// It works on a collection that is not initialized: the items are kept as
// pending additions and the collection stays not initialized.
//
// Once the ORM manages the entity holding the collection, Add also updates
// the other side of the relation (see [Inverse]): an item of a one-to-many
// collection gets its owning pointer set to the owner (and leaves its
// previous owner's initialized collection); the other side of a
// many-to-many relation gets the owner.
func (c *Collection[T]) Add(items ...T) {
	inv := c.bound()
	for _, it := range items {
		if c.add(it) && inv != nil {
			inv.Added(c.owner, it)
		}
	}
}

// bound returns the Inverse when the collection is bound and lives inside
// its owner (not in a copy of it).
func (c *Collection[T]) bound() Inverse {
	if c.inv == nil {
		return nil
	}
	if p := uintptr(unsafe.Pointer(c)); p < c.at || p >= c.at+c.size {
		return nil
	}
	return c.inv
}

// add adds one item and records it; false when it was already present.
func (c *Collection[T]) add(it T) bool {
	if indexOf(c.items, it) >= 0 {
		return false
	}
	c.items = append(c.items, it)
	if i := indexOf(c.removed, it); i >= 0 {
		c.removed = deleteAt(c.removed, i)
	} else {
		c.added = append(c.added, it)
	}
	return true
}

// Remove takes items out and records them as removed. Removing an item that
// was added since the last load only cancels the addition. On a collection
// that is not initialized the removal is recorded even though the item is
// not known to be present.
//
// Once the ORM manages the entity holding the collection, Remove also
// updates the other side (see [Inverse]): an item of a one-to-many
// collection that pointed at the owner gets a nil owning pointer (unless the
// relation removes orphans: the item is then deleted at the next flush); the
// other side of a many-to-many relation loses the owner.
func (c *Collection[T]) Remove(items ...T) {
	inv := c.bound()
	for _, it := range items {
		if c.remove(it) && inv != nil {
			inv.Removed(c.owner, it)
		}
	}
}

// remove takes one item out and records it; false when nothing changed.
func (c *Collection[T]) remove(it T) bool {
	present := false
	if i := indexOf(c.items, it); i >= 0 {
		c.items = deleteAt(c.items, i)
		present = true
	}
	if i := indexOf(c.added, it); i >= 0 {
		c.added = deleteAt(c.added, i)
		return true
	}
	if !present && (c.initialized || indexOf(c.removed, it) >= 0) {
		return false
	}
	if indexOf(c.removed, it) < 0 {
		c.removed = append(c.removed, it)
	}
	return true
}

// Set replaces the whole content with items and marks the collection
// initialized. On an initialized collection the diff records exactly what
// changed. On a collection that was not initialized the previous content is
// unknown: every item counts as added and Replaced reports true, telling
// the ORM to clear what the database holds before writing the new content.
func (c *Collection[T]) Set(items ...T) {
	if !c.initialized {
		// Pending additions not in the new content are dropped: the other
		// side that got them loses them.
		inv := c.bound()
		if inv != nil {
			for _, it := range c.added {
				if indexOf(items, it) < 0 {
					inv.Removed(c.owner, it)
				}
			}
		}
		c.items, c.added, c.removed = nil, nil, nil
		c.initialized = true
		c.replaced = true
		if r, ok := inv.(Replacer); ok {
			r.Replaced(c.owner, toAny(items))
		}
		c.Add(items...)
		return
	}
	var drop []T
	for _, old := range c.items {
		if indexOf(items, old) < 0 {
			drop = append(drop, old)
		}
	}
	c.Remove(drop...)
	c.Add(items...)
}

// --- ORM hooks ---

// Hydrate replaces the content with items as loaded from the database,
// marks the collection initialized and clears the diff. Duplicates in items
// are kept out.
//
// A collection that was not initialized but has pending changes (items
// added or removed before it was loaded) keeps them: its content becomes
// the loaded items plus the pending additions minus the pending removals,
// and the diff stays to be flushed.
func (c *Collection[T]) Hydrate(items []T) {
	pending := !c.initialized && (len(c.added) > 0 || len(c.removed) > 0)
	if inv := c.bound(); c.initialized && inv != nil {
		// Loading again (a refresh) drops the pending changes: the other
		// side that got them takes them back.
		for _, it := range c.added {
			if indexOf(items, it) < 0 {
				inv.Removed(c.owner, it)
			}
		}
		for _, it := range c.removed {
			if indexOf(items, it) >= 0 {
				inv.Added(c.owner, it)
			}
		}
	}
	c.items = make([]T, 0, len(items)+len(c.added))
	for _, it := range items {
		if indexOf(c.items, it) < 0 && (!pending || indexOf(c.removed, it) < 0) {
			c.items = append(c.items, it)
		}
	}
	c.initialized = true
	if pending {
		for _, it := range c.added {
			if indexOf(c.items, it) < 0 {
				c.items = append(c.items, it)
			}
		}
		return
	}
	c.ResetDiff()
}

// Bind ties the collection to the entity holding it and to the relation's
// [Inverse], so that Add and Remove keep the other side in step. The ORM
// calls it when it starts managing owner. On the first Bind the changes
// made before (on a new entity not yet persisted) are passed on to the
// other side, as if they were made now.
//
// Bind(owner, nil) unbinds the collection (its entity is no longer
// managed). A collection copied out of its owner (a copy of the entity by
// value) is not bound: it changes only itself until its own entity is
// persisted.
func (c *Collection[T]) Bind(owner any, inv Inverse) {
	first := c.bound() == nil
	c.owner, c.inv = owner, inv
	c.at, c.size = 0, 0
	if ov := reflect.ValueOf(owner); ov.Kind() == reflect.Pointer && !ov.IsNil() {
		c.at, c.size = ov.Pointer(), ov.Type().Elem().Size()
	}
	if !first || inv == nil {
		return
	}
	for _, it := range c.added {
		inv.Added(owner, it)
	}
	for _, it := range c.removed {
		inv.Removed(owner, it)
	}
}

// SyncAdd implements [AnyCollection.SyncAdd].
func (c *Collection[T]) SyncAdd(item any, record bool) error {
	v, ok := item.(T)
	if !ok {
		return fmt.Errorf("rel: collection item is %T, want %s", item, reflect.TypeFor[T]())
	}
	if record {
		c.add(v)
		return nil
	}
	if i := indexOf(c.removed, v); i >= 0 {
		c.removed = deleteAt(c.removed, i)
	}
	if c.initialized && indexOf(c.items, v) < 0 {
		c.items = append(c.items, v)
	}
	return nil
}

// SyncRemove implements [AnyCollection.SyncRemove].
func (c *Collection[T]) SyncRemove(item any, record bool) error {
	v, ok := item.(T)
	if !ok {
		return fmt.Errorf("rel: collection item is %T, want %s", item, reflect.TypeFor[T]())
	}
	if record {
		c.remove(v)
		return nil
	}
	if i := indexOf(c.items, v); i >= 0 {
		c.items = deleteAt(c.items, i)
	}
	if i := indexOf(c.added, v); i >= 0 {
		c.added = deleteAt(c.added, i)
	}
	return nil
}

// MarkInitialized declares the current content complete without touching
// the diff: used for collections of new entities, whose pending additions
// are their whole content.
func (c *Collection[T]) MarkInitialized() { c.initialized = true }

// Added returns a copy of the items added since the last load or flush.
func (c *Collection[T]) Added() []T { return append([]T(nil), c.added...) }

// Removed returns a copy of the items removed since the last load or flush.
func (c *Collection[T]) Removed() []T { return append([]T(nil), c.removed...) }

// Replaced reports whether Set replaced the content of a collection that was
// not initialized, so the stored content must be cleared first.
func (c *Collection[T]) Replaced() bool { return c.replaced }

// IsDirty reports whether there is a pending diff.
func (c *Collection[T]) IsDirty() bool {
	return c.replaced || len(c.added) > 0 || len(c.removed) > 0
}

// ResetDiff forgets what was added and removed, as after a successful flush.
func (c *Collection[T]) ResetDiff() {
	c.added, c.removed, c.replaced = nil, nil, false
}

// SaveDiff returns a function that puts back the items, the pending diff
// and the initialized flag as they are now (the ORM uses it to undo a flush whose
// transaction rolled back later).
func (c *Collection[T]) SaveDiff() func() {
	items := append([]T(nil), c.items...)
	added, removed := append([]T(nil), c.added...), append([]T(nil), c.removed...)
	replaced, initialized := c.replaced, c.initialized
	return func() {
		c.items, c.added, c.removed, c.replaced, c.initialized = items, added, removed, replaced, initialized
	}
}

// ElemType returns the reflect.Type of T.
func (c *Collection[T]) ElemType() reflect.Type { return reflect.TypeFor[T]() }

// AnyItems returns the items as []any, or nil when not initialized.
func (c *Collection[T]) AnyItems() []any {
	if !c.initialized {
		return nil
	}
	return toAny(c.items)
}

// AddedAny returns Added as []any.
func (c *Collection[T]) AddedAny() []any { return toAny(c.added) }

// RemovedAny returns Removed as []any.
func (c *Collection[T]) RemovedAny() []any { return toAny(c.removed) }

// HydrateAny is Hydrate for callers that do not know T. A nil item is
// accepted when T is a pointer or interface type.
func (c *Collection[T]) HydrateAny(items []any) error {
	typed := make([]T, len(items))
	for i, it := range items {
		if it == nil {
			var zero T
			if k := reflect.TypeFor[T]().Kind(); k != reflect.Pointer && k != reflect.Interface {
				return fmt.Errorf("rel: collection item %d is nil, want %s", i, reflect.TypeFor[T]())
			}
			typed[i] = zero
			continue
		}
		v, ok := it.(T)
		if !ok {
			return fmt.Errorf("rel: collection item %d is %T, want %s", i, it, reflect.TypeFor[T]())
		}
		typed[i] = v
	}
	c.Hydrate(typed)
	return nil
}

func toAny[T any](s []T) []any {
	if len(s) == 0 {
		return nil
	}
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func deleteAt[T any](s []T, i int) []T {
	copy(s[i:], s[i+1:])
	var zero T
	s[len(s)-1] = zero
	return s[:len(s)-1]
}

func indexOf[T any](s []T, item T) int {
	if len(s) == 0 {
		return -1
	}
	if isComparable[T]() {
		x := any(item)
		for i := range s {
			if any(s[i]) == x {
				return i
			}
		}
		return -1
	}
	for i := range s {
		if equalSlow(s[i], item) {
			return i
		}
	}
	return -1
}

// isComparable reports whether == on T can never panic: T is comparable and
// is not (and contains no) interface type whose dynamic value might not be.
func isComparable[T any]() bool {
	return strictlyComparable(reflect.TypeFor[T]())
}

func strictlyComparable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return false
	case reflect.Array:
		return strictlyComparable(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !strictlyComparable(t.Field(i).Type) {
				return false
			}
		}
		return true
	default:
		return t.Comparable()
	}
}

func equalSlow[T any](a, b T) bool {
	av, bv := reflect.ValueOf(any(a)), reflect.ValueOf(any(b))
	if av.IsValid() && bv.IsValid() && av.Type() == bv.Type() && av.Comparable() {
		return av.Equal(bv)
	}
	return reflect.DeepEqual(a, b)
}

// AddAny is Add for code that does not know T. It fails, changing nothing,
// when item is not a T.
func (c *Collection[T]) AddAny(item any) error {
	v, ok := item.(T)
	if !ok {
		return fmt.Errorf("rel: collection item is %T, want %s", item, reflect.TypeFor[T]())
	}
	c.Add(v)
	return nil
}

// RemoveAny is Remove for code that does not know T. It fails, changing
// nothing, when item is not a T.
func (c *Collection[T]) RemoveAny(item any) error {
	v, ok := item.(T)
	if !ok {
		return fmt.Errorf("rel: collection item is %T, want %s", item, reflect.TypeFor[T]())
	}
	c.Remove(v)
	return nil
}

// ContainsAny implements [AnyCollection.ContainsAny].
func (c *Collection[T]) ContainsAny(item any) bool {
	v, ok := item.(T)
	return ok && indexOf(c.items, v) >= 0
}

// SyncRemoveFunc implements [AnyCollection.SyncRemoveFunc].
func (c *Collection[T]) SyncRemoveFunc(drop func(item any) bool) bool {
	n := len(c.items)
	c.items = filterOut(c.items, drop)
	c.added = filterOut(c.added, drop)
	return len(c.items) != n
}

func filterOut[T any](s []T, drop func(any) bool) []T {
	kept := s[:0]
	for _, it := range s {
		if !drop(it) {
			kept = append(kept, it)
		}
	}
	clear(s[len(kept):])
	return kept
}

// IsBound reports whether the collection is bound to the entity holding it.
func (c *Collection[T]) IsBound() bool { return c.bound() != nil }

// BindAssigned binds a collection value that was assigned to the field of
// a managed entity (author.Books = unitorm.NewCollection(b1)): its items
// replace what the entity had, as Set on a collection that is not loaded
// does — the stored content is cleared at the next flush, and the entities
// in memory on the other side that are not among the items leave it.
func (c *Collection[T]) BindAssigned(owner any, inv Inverse) {
	items := append([]T(nil), c.items...)
	c.items, c.added, c.removed = nil, nil, nil
	c.initialized, c.replaced = true, true
	c.Bind(owner, inv) // nothing pending: no replay
	if r, ok := inv.(Replacer); ok {
		r.Replaced(owner, toAny(items))
	}
	c.Add(items...)
}
