package meta

import (
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/rel"
)

// A to-many Relation is the rel.Inverse of its collections: the ORM binds
// it to the collections of the entities it manages, so that Add and Remove
// update the other side of the relation at once.
var _ rel.Inverse = (*Relation)(nil)

// Other returns the property on the other side of a bidirectional relation
// (the inverse side of an owning relation, the owning side of an inverse
// one), or nil when only one side is mapped.
func (r *Relation) Other() *Property {
	if r.Owning {
		return r.InversedBy
	}
	return r.MappedBy
}

// Added implements rel.Inverse for one-to-many and many-to-many relations.
// A one-to-many item gets its owning pointer set to owner and leaves the
// initialized collection of the owner it had. The other side of a
// many-to-many relation records owner as added (also when not initialized:
// it is a pending change there, as the user could have made it).
func (r *Relation) Added(owner, item any) {
	op, ip := pointerOf(owner), pointerOf(item)
	if op == nil || ip == nil {
		return
	}
	switch r.Kind {
	case OneToMany:
		mp := r.MappedBy
		if mp == nil {
			return
		}
		old := mp.At.Pointer(ip)
		if old == op {
			return
		}
		if old != nil {
			if c := r.Prop.At.Collection(old); c != nil {
				_ = c.SyncRemove(item, false)
			}
		}
		mp.At.SetPointer(ip, op)
	case ManyToMany:
		if other := r.Other(); other != nil {
			if c := other.At.Collection(ip); c != nil {
				_ = c.SyncAdd(owner, true)
			}
		}
	}
}

// Removed implements rel.Inverse. A one-to-many item that pointed at owner
// gets a nil owning pointer, unless the relation removes orphans (the item
// is then deleted at flush and keeps its pointer until then). The other side
// of a many-to-many relation records owner as removed.
func (r *Relation) Removed(owner, item any) {
	op, ip := pointerOf(owner), pointerOf(item)
	if op == nil || ip == nil {
		return
	}
	switch r.Kind {
	case OneToMany:
		if mp := r.MappedBy; mp != nil && !r.OrphanRemoval && mp.At.Pointer(ip) == op {
			mp.At.SetPointer(ip, nil)
		}
	case ManyToMany:
		if other := r.Other(); other != nil {
			if c := other.At.Collection(ip); c != nil {
				_ = c.SyncRemove(owner, true)
			}
		}
	}
}

// pointerOf returns the address a *T entity holds, or nil.
func pointerOf(v any) unsafe.Pointer {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		return nil
	}
	return rv.UnsafePointer()
}
