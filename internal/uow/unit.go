package uow

import (
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// ErrNotEntity is returned for values that are not pointers to registered
// entities.
var ErrNotEntity = errors.New("unitorm: not a registered entity")

// ErrDetached is returned when an operation needs a tracked entity and gets
// one the Unit of Work does not know.
var ErrDetached = errors.New("unitorm: entity is not managed")

// UnitOfWork tracks entities for one EntityManager: their identity, their
// state and what changed since they were loaded. It is not safe for
// concurrent use.
type UnitOfWork struct {
	reg *meta.Registry
	im  *IdentityMap
	inv *inverses
}

// New returns an empty Unit of Work over the entities of reg.
func New(reg *meta.Registry) *UnitOfWork {
	u := &UnitOfWork{reg: reg}
	u.inv = &inverses{u: u}
	u.im = NewIdentityMap()
	u.im.inv = u.inv
	return u
}

// IdentityMap returns the Unit of Work's identity map.
func (u *UnitOfWork) IdentityMap() *IdentityMap { return u.im }

// Mark returns a mark of the entities tracked so far: those tracked later
// are RegisteredAfter it.
func (u *UnitOfWork) Mark() uint32 { return u.im.seq }

// Reserve prepares the Identity Map for up to n more entities of e (a
// load's expected rows; see IdentityMap.Reserve).
func (u *UnitOfWork) Reserve(e *meta.Entity, n int) { u.im.Reserve(e, n) }

// Registry returns the metadata registry.
func (u *UnitOfWork) Registry() *meta.Registry { return u.reg }

// Clear forgets every tracked entity.
func (u *UnitOfWork) Clear() {
	for _, en := range u.im.Entries() {
		unbindCollections(en)
	}
	u.im = NewIdentityMap()
	u.im.inv = u.inv
}

// Resolve returns the metadata and address of an entity given as *T.
func (u *UnitOfWork) Resolve(obj any) (*meta.Entity, unsafe.Pointer, error) {
	if obj == nil {
		return nil, nil, fmt.Errorf("%w: nil", ErrNotEntity)
	}
	t := reflect.TypeOf(obj)
	if t.Kind() != reflect.Pointer {
		if _, ok := u.reg.Entity(t); ok {
			return nil, nil, entityValueError{t}
		}
		return nil, nil, fmt.Errorf("%w: %T is not a pointer to an entity struct", ErrNotEntity, obj)
	}
	e, ok := u.reg.Entity(t.Elem())
	if !ok {
		return nil, nil, fmt.Errorf("%w: %T", ErrNotEntity, obj)
	}
	ptr, err := PtrOf(e, obj)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrNotEntity, err)
	}
	return e, ptr, nil
}

// entityValueError is ErrNotEntity for a registered entity passed by
// value: its message does not call the type unregistered.
type entityValueError struct{ t reflect.Type }

func (e entityValueError) Error() string {
	return fmt.Sprintf("unitorm: %s is an entity value, not a pointer: pass &v (the Unit of Work tracks the instance you hold)", e.t)
}

func (e entityValueError) Unwrap() error { return ErrNotEntity }

// EntryOf returns the entry of a tracked *T.
func (u *UnitOfWork) EntryOf(obj any) (*Entry, bool) {
	e, ptr, err := u.Resolve(obj)
	if err != nil || ptr == nil {
		return nil, false
	}
	return u.im.EntryAt(e, ptr)
}

// EntryAt returns the entry of the tracked instance at ptr, an entity of e.
func (u *UnitOfWork) EntryAt(e *meta.Entity, ptr unsafe.Pointer) (*Entry, bool) {
	return u.im.EntryAt(e, ptr)
}

// Persist marks obj and, along relations that cascade persist, what it
// references, to be inserted at the next flush (unless already tracked). A
// removed entity that is persisted again is no longer removed.
func (u *UnitOfWork) Persist(obj any) error {
	e, ptr, err := u.Resolve(obj)
	if err != nil {
		return err
	}
	return u.persist(e, obj, ptr, visitedFor(e), false)
}

// cascaded is set for entities reached along a relation: one of those that
// carries a database-generated key it did not get from this Unit of Work
// (an instance from another EntityManager) is an existing row, tracked as a
// reference, not inserted again.
func (u *UnitOfWork) persist(e *meta.Entity, obj any, ptr unsafe.Pointer, seen map[unsafe.Pointer]bool, cascaded bool) error {
	if seen != nil {
		if seen[ptr] {
			return nil
		}
		seen[ptr] = true
	}
	en, ok := u.im.EntryAt(e, ptr)
	switch {
	case !ok:
		if k, hasKey := KeyOf(e, ptr); hasKey {
			if other, dup := u.im.Lookup(k); dup && other.Ptr != ptr {
				return fmt.Errorf("%w: %s is already managed by another instance", ErrDuplicateIdentity, k)
			}
			if cascaded && generatedKey(e) != nil {
				// An existing row reached from a managed entity (a detached
				// or foreign instance): tracked as a reference; changes made
				// to its collections while it was not managed are not
				// flushed (nor passed on when it is bound).
				for _, r := range e.Relations {
					if c := r.Prop.At.Collection(ptr); c != nil && r.Kind.IsToMany() {
						c.ResetDiff()
					}
				}
				u.im.add(e, ptr, StateReference)
				return nil
			}
		}
		if e.InFamily() {
			if e.Abstract() {
				return fmt.Errorf("%w: %s is the abstract base of a single-table family: persist one of its subtypes", ErrAbstractEntity, e.Name)
			}
			// The discriminator names the concrete type whatever the field held.
			e.Discriminator.At.SetString(ptr, e.DiscriminatorValue)
		}
		allocEmbedded(e, ptr)
		en = u.im.add(e, ptr, StateNew)
		// A new entity has no rows elsewhere yet: what its collections
		// hold is their whole content.
		initCollections(en)
	case en.State == StateRemoved:
		if cascaded {
			// Still referenced by something loaded: removal wins.
			return nil
		}
		en.State = en.removedFrom
	}
	return u.cascadePersist(en, seen)
}

// cascadePersist persists what en references along cascading relations and
// keeps both sides of bidirectional relations in step (see graph.go).
func (u *UnitOfWork) cascadePersist(en *Entry, seen map[unsafe.Pointer]bool) error {
	for i, r := range en.Entity.Relations {
		p := r.Prop
		switch p.Kind {
		case meta.ManyToOne, meta.OneToOne:
			target := p.At.Pointer(en.Ptr)
			if target != nil && r.Cascade.Has(meta.CascadePersist) {
				if err := u.persist(r.Target, objAt(r.Target, target), target, seen, true); err != nil {
					return err
				}
			}
			syncToOne(en, i, r)
		case meta.OneToMany, meta.ManyToMany:
			c := p.At.Collection(en.Ptr)
			if c == nil {
				continue
			}
			// A collection value assigned to the field is bound here: on
			// a loaded entity its content replaces the stored one; on a
			// new entity its pending changes reach the other side now.
			if !c.IsBound() && en.State == StateManaged && en.snap != nil {
				c.BindAssigned(en.Obj(), u.inv.of(r))
			} else {
				c.Bind(en.Obj(), u.inv.of(r))
			}
			if !r.Cascade.Has(meta.CascadePersist) {
				continue
			}
			items := c.AnyItems()
			if !c.IsInitialized() {
				items = c.AddedAny()
			}
			for _, it := range items {
				tp := reflect.ValueOf(it).UnsafePointer()
				if tp == nil {
					continue
				}
				if err := u.persist(r.Target, it, tp, seen, true); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// holds reports whether items contains obj.
func holds(items []any, obj any) bool {
	for _, it := range items {
		if it == obj {
			return true
		}
	}
	return false
}

// objAt returns the *T at ptr as an interface value.
func objAt(e *meta.Entity, ptr unsafe.Pointer) any {
	return reflect.NewAt(e.Type, ptr).Interface()
}

// Remove schedules obj, and along relations that cascade remove what it
// references, for deletion. Removing a new entity just forgets it.
func (u *UnitOfWork) Remove(obj any) error {
	e, ptr, err := u.Resolve(obj)
	if err != nil {
		return err
	}
	return u.RemoveAt(e, ptr)
}

// RemoveAt is Remove of the instance at ptr, an entity of e (from Resolve).
func (u *UnitOfWork) RemoveAt(e *meta.Entity, ptr unsafe.Pointer) error {
	en, ok := u.im.EntryAt(e, ptr)
	if !ok {
		return fmt.Errorf("%w: %s", ErrDetached, e.Name)
	}
	return u.remove(en, visitedFor(e))
}

// visitedFor returns the set of instances a cascade from an entity of e
// has visited: nil (nothing to remember) when e has no relations, as
// nothing cascades from it.
func visitedFor(e *meta.Entity) map[unsafe.Pointer]bool {
	if len(e.Relations) == 0 {
		return nil
	}
	return map[unsafe.Pointer]bool{}
}

func (u *UnitOfWork) remove(en *Entry, seen map[unsafe.Pointer]bool) error {
	if seen != nil {
		if seen[en.Ptr] {
			return nil
		}
		seen[en.Ptr] = true
	}
	switch en.State {
	case StateRemoved:
		return nil
	case StateNew:
		u.im.drop(en)
		// Never written: it leaves the other sides it was linked to at
		// Persist, or a cascade from them would persist it again.
		unlinkNew(en)
	default:
		en.removedFrom = en.State
		en.State = StateRemoved
	}
	for _, r := range en.Entity.Relations {
		if !r.Cascade.Has(meta.CascadeRemove) {
			continue
		}
		for _, tp := range relatedPtrs(r, en.Ptr) {
			if t, ok := u.im.EntryAt(r.Target, tp); ok {
				if err := u.remove(t, seen); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// relatedPtrs returns the entities en's relation r points at: the to-one
// target, or the known items of a collection.
func relatedPtrs(r *meta.Relation, ptr unsafe.Pointer) []unsafe.Pointer {
	p := r.Prop
	if !p.Kind.IsToMany() {
		if t := p.At.Pointer(ptr); t != nil {
			return []unsafe.Pointer{t}
		}
		return nil
	}
	c := p.At.Collection(ptr)
	if c == nil {
		return nil
	}
	var out []unsafe.Pointer
	for _, it := range c.AnyItems() {
		if tp := reflect.ValueOf(it).UnsafePointer(); tp != nil {
			out = append(out, tp)
		}
	}
	return out
}

// Reference returns the tracked instance of e for the row whose primary key
// is vals, creating an unloaded reference (only its key set) when none is
// tracked. Values are converted to the key's types; a value that does not fit
// is ErrInvalidKey.
func (u *UnitOfWork) Reference(e *meta.Entity, vals ...any) (*Entry, error) {
	if len(vals) == 1 && len(e.PK) == 1 && IsIntKind(e.PK[0].Type.Kind()) {
		// Fast path for the common integer key: no temporary instance.
		if n, ok := vals[0].(int64); ok && n != 0 {
			if en, ok := u.im.Lookup(Key{Entity: keyEntity(e), N: n}); ok {
				return en, nil
			}
		}
	}
	if len(vals) != len(e.PK) || len(vals) == 0 {
		return nil, fmt.Errorf("%w: %s has %d primary key properties, got %d values",
			ErrInvalidKey, e.Name, len(e.PK), len(vals))
	}
	v := e.NewValue()
	ptr := v.UnsafePointer()
	for i, p := range e.PK {
		if err := setKeyValue(p, ptr, vals[i]); err != nil {
			return nil, err
		}
	}
	k, ok := KeyOf(e, ptr)
	if !ok {
		return nil, fmt.Errorf("%w: %s: zero primary key %v", ErrInvalidKey, e.Name, vals)
	}
	if en, ok := u.im.Lookup(k); ok {
		return en, nil
	}
	return u.im.add(e, ptr, StateReference), nil
}

// IsIntKind reports whether k is a signed or unsigned integer kind (a key
// drivers return as int64).
func IsIntKind(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// Merge takes a freshly hydrated instance of e (scalar columns and to-one
// relations set) and returns the tracked instance for its row. When the row
// is already tracked: an unloaded reference is filled in place; a loaded,
// unchanged entity is refreshed; an entity with unflushed changes (or
// scheduled for removal) is left alone unless overwrite is set. Otherwise the
// fresh instance becomes the tracked one.
func (u *UnitOfWork) Merge(e *meta.Entity, freshPtr unsafe.Pointer, overwrite bool) (*Entry, error) {
	k, ok := KeyOf(e, freshPtr)
	if !ok {
		return nil, fmt.Errorf("%w: %s row without primary key", ErrInvalidKey, e.Name)
	}
	en, added := u.im.lookupOrAdd(e, freshPtr, k, StateManaged)
	if added {
		takeSnapshot(en, &u.im.snaps)
		return en, nil
	}
	if en.Entity != e {
		// Single-table inheritance: the row is tracked as another member
		// of its family.
		switch {
		case en.State == StateReference && e.IsA(en.Entity):
			return u.upgradeReference(en, e, freshPtr), nil
		case !en.Entity.IsA(e):
			return nil, fmt.Errorf("%w: %s is tracked as a %s, the row read is a %s", ErrDuplicateIdentity, k, en.Entity.Name, e.Name)
		}
		// A partial load, as a base type, of a row tracked as its subtype
		// (which loads pick by discriminator do not make): the tracked
		// instance stays as it is.
		return en, nil
	}
	switch en.State {
	case StateReference:
		// Pointers a collection change set on the reference before it was
		// loaded are memory's: they stay, and differ from the snapshot of
		// the stored row, so the flush writes them.
		kept := keptLinks(en)
		copyColumns(e, en.Ptr, freshPtr)
		en.State = StateManaged
		takeSnapshot(en, &u.im.snaps)
		for _, k := range kept {
			k.prop.At.SetPointer(en.Ptr, k.ptr)
		}
	case StateManaged:
		// The same row loaded again as it was: nothing to merge.
		if !overwrite && en.snap != nil && sameAsSnapshot(en, freshPtr) {
			return en, nil
		}
		if overwrite || !u.isDirty(en) {
			holdLinks(en)
			copyColumns(e, en.Ptr, freshPtr)
			takeSnapshot(en, &u.im.snaps)
			syncLoaded(en)
		}
	case StateRemoved:
		if overwrite {
			copyColumns(e, en.Ptr, freshPtr)
			takeSnapshot(en, &u.im.snaps)
		}
	}
	return en, nil
}

// copyColumns copies the column-backed fields (scalars and owning to-one
// relations) of the struct at src into dst.
func copyColumns(e *meta.Entity, dst, src unsafe.Pointer) {
	ti := infoOf(e)
	for i := range ti.cols {
		p := ti.cols[i].prop
		if p.Lazy {
			continue // a loaded lazy value stays; an unloaded one stays unloaded
		}
		copyField(p, dst, src)
	}
	for _, p := range ti.toOne {
		copyField(p, dst, src)
	}
	for _, p := range ti.formulas {
		copyField(p, dst, src)
	}
}

func copyField(p *meta.Property, dst, src unsafe.Pointer) {
	s := p.At.Ptr(src)
	if s == nil {
		return
	}
	reflect.NewAt(p.Type, p.At.PtrAlloc(dst)).Elem().Set(reflect.NewAt(p.Type, s).Elem())
}

// Snapshot records en's current state as its clean state (used after the
// caller has filled or changed it outside a flush, e.g. a refresh).
func (u *UnitOfWork) Snapshot(en *Entry) { takeSnapshot(en, &u.im.snaps) }

// Detach forgets obj: it is no longer tracked, and changes to it are not
// flushed.
func (u *UnitOfWork) Detach(obj any) {
	if en, ok := u.EntryOf(obj); ok {
		u.im.drop(en)
		unbindCollections(en)
	}
}

// Rebind binds the collections of every tracked entity to u again (after a
// transactional fork that shared them rolled back).
func (u *UnitOfWork) Rebind() {
	for _, en := range u.im.Entries() {
		u.inv.bind(en)
	}
}

// ErrDuplicateIdentity is returned when a second instance is persisted for a
// row the Identity Map already holds.
var ErrDuplicateIdentity = errors.New("unitorm: duplicate identity")

// Adopt tracks an entry taken from another Unit of Work (a committed
// transactional fork), with its state and snapshot.
func (u *UnitOfWork) Adopt(en *Entry) {
	n := u.im.add(en.Entity, en.Ptr, en.State)
	n.snap = en.snap
	n.removedFrom = en.removedFrom
	n.setLinks(copyLinks(en.linkList()))
}

// Seed makes u track the same entities as from, with copies of its entries
// (state, key, snapshot): changes made through u do not touch from's
// records, while the entities themselves are shared.
func (u *UnitOfWork) Seed(from *UnitOfWork) {
	for _, en := range from.im.Entries() {
		n := u.im.add(en.Entity, en.Ptr, en.State)
		n.snap, n.removedFrom = en.snap, en.removedFrom
		n.setLinks(copyLinks(en.linkList()))
		if en.hasKey && !n.hasKey {
			u.im.setKey(n, en.key())
		}
	}
}

// OfManager returns the Unit of Work of an *em.EntityManager (nil for
// anything else). Package em sets
// it; this module's drivers (mongo.AggregateEntities) and tests use it, and
// nothing outside the module can.
var OfManager func(m any) *UnitOfWork
