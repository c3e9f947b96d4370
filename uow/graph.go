package uow

import (
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// Keeping both sides of a relation in step.
//
// Collections of managed entities are bound to their relation
// (rel.Collection.Bind), so Add, Remove and Set update the other side at
// once. A to-one pointer is a plain field write the ORM cannot see: the
// other side (a loaded inverse collection, an inverse one-to-one pointer) is
// brought in step by syncToOne, which runs at Persist, at every Flush (for
// every managed entity) and when a load changes a pointer of a managed
// entity. After a flush, deleted entities leave the loaded collections that
// held them (Plan.syncInverseCollections).

// link is what a to-one relation's other side was last brought in step with.
type link struct {
	set bool
	ptr unsafe.Pointer
}

// bindCollections binds every collection of en to its relation, so that
// changes made through the collection reach the other side.
func bindCollections(en *Entry) {
	for _, r := range en.Entity.Relations {
		if !r.Kind.IsToMany() {
			continue
		}
		if c := r.Prop.Collection(en.Ptr); c != nil {
			c.Bind(en.Obj, r)
		}
	}
}

// initCollections marks the collections of a new entity initialized: it has
// no rows elsewhere yet, so what they hold is their whole content.
func initCollections(en *Entry) {
	for _, r := range en.Entity.Relations {
		if !r.Kind.IsToMany() {
			continue
		}
		if c := r.Prop.Collection(en.Ptr); c != nil && !c.IsInitialized() {
			c.MarkInitialized()
		}
	}
}

// lastLink returns the target the other side of relation i was last in step
// with: the one recorded by a sync, else the loaded one (snapshot), else nil.
func lastLink(en *Entry, i int, p *meta.Property) unsafe.Pointer {
	if en.links != nil && en.links[i].set {
		return en.links[i].ptr
	}
	if en.snap != nil {
		return p.Pointer(en.snap.ptr)
	}
	return nil
}

func setLink(en *Entry, i int, ptr unsafe.Pointer) {
	if en.links == nil {
		en.links = make([]link, len(en.Entity.Relations))
	}
	en.links[i] = link{set: true, ptr: ptr}
}

// syncToOne brings the other side of en's to-one relation r (index i in
// en.Entity.Relations) in step with en's pointer. It does work only when the
// pointer moved since the last sync (or the load), so a flush of unchanged
// entities costs one pointer comparison per relation.
func syncToOne(en *Entry, i int, r *meta.Relation) {
	other := r.Other()
	if other == nil || en.State == StateRemoved || en.State == StateReference {
		return
	}
	p := r.Prop
	cur := p.Pointer(en.Ptr)
	if !r.Owning {
		// Inverse one-to-one: the owning side is what is written. Setting
		// only the inverse pointer of a pair whose owner points nowhere
		// sets the owner's pointer; a pointer the owner already holds wins.
		if cur != nil && other.Pointer(cur) == nil {
			other.SetPointer(cur, en.Ptr)
		}
		return
	}
	last := lastLink(en, i, p)
	if last == cur {
		return
	}
	done := true
	switch other.Kind {
	case meta.OneToMany:
		if last != nil {
			if c := other.Collection(last); c != nil {
				_ = c.SyncRemove(en.Obj, false)
			}
		}
		if cur != nil {
			c := other.Collection(cur)
			switch {
			case c == nil:
			case !c.IsInitialized():
				// Not known yet (a new owner not persisted yet gets its
				// collections initialized later): try again next time.
				done = false
			case !holds(c.RemovedAny(), en.Obj):
				// An item the user took out of the collection stays out:
				// the removal is pending (orphan removal), not undone here.
				_ = c.SyncAdd(en.Obj, false)
			}
		}
	case meta.OneToOne:
		if last != nil && other.Pointer(last) == en.Ptr {
			other.SetPointer(last, nil)
		}
		if cur != nil {
			other.SetPointer(cur, en.Ptr)
		}
	}
	if done {
		setLink(en, i, cur)
	}
}

// holdLinks records the current to-one targets of en as the ones the other
// sides are in step with, before a load overwrites its pointers; the next
// syncLoaded then moves en between the other sides.
func holdLinks(en *Entry) {
	for i, r := range en.Entity.Relations {
		if r.Owning && !r.Kind.IsToMany() && r.Other() != nil {
			if en.links == nil || !en.links[i].set {
				setLink(en, i, lastLink(en, i, r.Prop))
			}
		}
	}
}

// syncLoaded brings the other sides in step after a load changed en's
// pointers.
func syncLoaded(en *Entry) {
	for i, r := range en.Entity.Relations {
		if !r.Kind.IsToMany() {
			syncToOne(en, i, r)
		}
	}
}

// forgetGone takes deleted entities out of the initialized collections and
// inverse one-to-one pointers of the entities still managed, whichever side
// they were reached from. It runs after a flush that deleted something.
func (p *Plan) forgetGone(gone map[unsafe.Pointer]bool, edit func(c meta.AnyCollection, add bool, obj any)) {
	for _, en := range p.u.im.Entries() {
		if en.State == StateRemoved || gone[en.Ptr] {
			continue
		}
		for _, r := range en.Entity.Relations {
			switch {
			case r.Kind.IsToMany():
				c := r.Prop.Collection(en.Ptr)
				if c == nil || !c.IsInitialized() {
					continue
				}
				for _, it := range c.AnyItems() {
					if tp := reflect.ValueOf(it).UnsafePointer(); gone[tp] {
						edit(c, false, it)
					}
				}
			case !r.Owning && r.Kind == meta.OneToOne:
				if t := r.Prop.Pointer(en.Ptr); t != nil && gone[t] {
					ptr, prop := en.Ptr, r.Prop
					p.committed = append(p.committed, func() { prop.SetPointer(ptr, t) })
					prop.SetPointer(ptr, nil)
				}
			case r.Owning && r.OnDelete == meta.ActionSetNull:
				// The database set the foreign key to NULL: so does memory,
				// snapshot included (nothing to write).
				t := r.Prop.Pointer(en.Ptr)
				if t == nil || !gone[t] {
					continue
				}
				ptr, prop := en.Ptr, r.Prop
				p.committed = append(p.committed, func() { prop.SetPointer(ptr, t) })
				prop.SetPointer(ptr, nil)
				if en.snap != nil && prop.Pointer(en.snap.ptr) == t {
					sp := en.snap.ptr
					p.committed = append(p.committed, func() { prop.SetPointer(sp, t) })
					prop.SetPointer(sp, nil)
				}
			}
		}
	}
}

// forgetReplaced takes owner pc.Owner out of the initialized collections on
// the other side of a many-to-many collection whose whole content was
// replaced without being loaded (Set on a collection not initialized): the
// rows it had are gone, and which entities held it was not known before.
func (p *Plan) forgetReplaced(pc *PivotChange, edit func(c meta.AnyCollection, add bool, obj any)) {
	r := pc.Relation
	other := r.Other()
	if other == nil {
		return
	}
	owner := pc.Owner
	c := r.Prop.Collection(owner.Ptr)
	if c == nil {
		return
	}
	keep := map[unsafe.Pointer]bool{}
	for _, it := range c.AnyItems() {
		keep[reflect.ValueOf(it).UnsafePointer()] = true
	}
	for _, en := range p.u.im.Entries() {
		if en.Entity != r.Target || keep[en.Ptr] {
			continue
		}
		if oc := other.Collection(en.Ptr); oc != nil && oc.IsInitialized() {
			edit(oc, false, owner.Obj)
		}
	}
}
