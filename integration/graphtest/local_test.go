package graphtest

import (
	"errors"
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/rel"
)

// The immediate checks: what must hold right after an operation, before
// any flush.

// callSet calls Set on a typed collection with items of entity type target.
func callSet(c reflect.Value, target *meta.Entity, items []any) {
	s := reflect.MakeSlice(reflect.SliceOf(target.PtrType), len(items), len(items))
	for i, it := range items {
		s.Index(i).Set(reflect.ValueOf(it))
	}
	c.MethodByName("Set").CallSlice([]reflect.Value{s})
}

// checkNotInitialized reports a collection that was not loaded before the
// operation and is now claimed to be (or no longer says so).
func (w *world[K]) checkNotInitialized(sig string, r *meta.Relation, p *meta.Property, ptr unsafe.Pointer, what string) {
	c := p.At.Collection(ptr)
	if c.IsInitialized() {
		w.violation(sig, "%s: %s.%s was not loaded and is now initialized (holding %d items)",
			what, w.name(p.Entity, ptr), p.Name, len(c.AnyItems()))
		return
	}
	err, _ := reflect.NewAt(p.Type, p.At.Ptr(ptr)).MethodByName("Len").Call(nil)[1].Interface().(error)
	if !errors.Is(err, rel.ErrNotInitialized) {
		w.violation(sig+"-len", "%s: Len of %s.%s (not loaded) returned %v, want rel.ErrNotInitialized", what, w.name(p.Entity, ptr), p.Name, err)
	}
}

// checkAdded checks the other side after item i joined o's collection r.
func (w *world[K]) checkAdded(r *meta.Relation, o, i unsafe.Pointer, before collState, what string) {
	sig := what + "/" + r.Prop.String()
	c := coll(r, o)
	if (c.IsInitialized() || before.ownInit) && !holds(c, i) {
		w.violation(sig+"/holds", "%s.%s does not hold %s after %s", w.name(r.Owner, o), r.Prop.Name, w.name(r.Target, i), what)
	}
	if !before.ownInit && what == "Add" {
		w.checkNotInitialized(sig+"/own-stays-unloaded", r, r.Prop, o, what)
	}
	switch r.Kind {
	case meta.OneToMany:
		if before.held && before.unsynced {
			// The user moved the item without a Persist while the
			// collection held it: adding it again is no change to the
			// collection; which side wins is settled at the flush.
			return
		}
		if got := r.MappedBy.At.Pointer(i); got != o {
			w.violation(sig+"/owning-pointer", "%s(%s.%s, %s): %s.%s is %s, want %s at once",
				what, w.name(r.Owner, o), r.Prop.Name, w.name(r.Target, i), w.name(r.Target, i), r.MappedBy.Name, w.name(r.Owner, got), w.name(r.Owner, o))
		}
		if a := before.oldOwner; a != nil && a != o {
			if before.oldInit {
				if holds(coll(r, a), i) {
					w.violation(sig+"/old-owner", "%s(%s.%s, %s): the previous owner's loaded %s.%s still holds it",
						what, w.name(r.Owner, o), r.Prop.Name, w.name(r.Target, i), w.name(r.Owner, a), r.Prop.Name)
				}
			} else {
				w.checkNotInitialized(sig+"/old-owner-unloaded", r, r.Prop, a, what)
			}
		}
	case meta.ManyToMany:
		other := r.Other()
		if other == nil {
			return
		}
		if before.otherInit {
			if !holds(other.At.Collection(i), o) {
				w.violation(sig+"/other-side", "%s(%s.%s, %s): the loaded %s.%s lacks %s",
					what, w.name(r.Owner, o), r.Prop.Name, w.name(r.Target, i), w.name(r.Target, i), other.Name, w.name(r.Owner, o))
			}
		} else {
			w.checkNotInitialized(sig+"/other-unloaded", r, other, i, what)
		}
	}
}

// checkRemoved checks the other side after item i left o's collection r.
func (w *world[K]) checkRemoved(r *meta.Relation, o, i unsafe.Pointer, before collState, what string) {
	sig := what + "-remove/" + r.Prop.String()
	if holds(coll(r, o), i) {
		w.violation(sig+"/holds", "%s.%s still holds %s after %s", w.name(r.Owner, o), r.Prop.Name, w.name(r.Target, i), what)
	}
	if !before.ownInit && what == "Remove" {
		w.checkNotInitialized(sig+"/own-stays-unloaded", r, r.Prop, o, what)
	}
	switch r.Kind {
	case meta.OneToMany:
		got := r.MappedBy.At.Pointer(i)
		if before.oldOwner == o && got != nil && !r.OrphanRemoval {
			w.violation(sig+"/owning-pointer", "%s(%s.%s, %s): %s.%s is %s, want nil at once",
				what, w.name(r.Owner, o), r.Prop.Name, w.name(r.Target, i), w.name(r.Target, i), r.MappedBy.Name, w.name(r.Owner, got))
		}
		if before.oldOwner != o && got != before.oldOwner {
			w.violation(sig+"/foreign-pointer", "%s(%s.%s, %s): %s.%s pointed at %s, not the owner, and became %s",
				what, w.name(r.Owner, o), r.Prop.Name, w.name(r.Target, i), w.name(r.Target, i), r.MappedBy.Name,
				w.name(r.Owner, before.oldOwner), w.name(r.Owner, got))
		}
	case meta.ManyToMany:
		other := r.Other()
		if other == nil {
			return
		}
		if before.otherInit {
			if holds(other.At.Collection(i), o) {
				w.violation(sig+"/other-side", "%s(%s.%s, %s): the loaded %s.%s still holds %s",
					what, w.name(r.Owner, o), r.Prop.Name, w.name(r.Target, i), w.name(r.Target, i), other.Name, w.name(r.Owner, o))
			}
		} else {
			w.checkNotInitialized(sig+"/other-unloaded", r, other, i, what)
		}
	}
}

// checkSynced checks, after x was persisted, that the other sides of its
// owning to-one relations are in step: the loaded inverse collections of
// the entities of the target type hold x exactly when x points at them, and
// an inverse one-to-one pointer points at x exactly then.
//
// An inverse one-to-one pointer that is nil may just not be loaded: it must
// point at x only when x's pointer was just assigned (changed is that
// relation, or x is new).
func (w *world[K]) checkSynced(x *uow.Entry, what string, changed *meta.Relation) {
	for _, r := range x.Entity.Relations {
		if !owningToOne(r) || r.Other() == nil {
			continue
		}
		inv := r.Other()
		cur := r.Prop.At.Pointer(x.Ptr)
		for _, y := range w.live(r.Target) {
			want := y.Ptr == cur
			if inv.Kind.IsToMany() {
				c := inv.At.Collection(y.Ptr)
				if !c.IsInitialized() {
					continue
				}
				if got := holds(c, x.Ptr); got != want {
					w.violation(what+"/"+r.Prop.String(), "after %s of %s (%s = %s): the loaded %s.%s holds it: %v, want %v",
						what, w.name(x.Entity, x.Ptr), r.Prop.Name, w.name(r.Target, cur), w.name(r.Target, y.Ptr), inv.Name, got, want)
				}
				continue
			}
			got := inv.At.Pointer(y.Ptr)
			assigned := r == changed || x.State == uow.StateNew
			if want && got != x.Ptr && (got != nil || assigned) || !want && got == x.Ptr {
				w.violation(what+"/"+r.Prop.String(), "after %s of %s (%s = %s): the inverse %s.%s is %s",
					what, w.name(x.Entity, x.Ptr), r.Prop.Name, w.name(r.Target, cur), w.name(r.Target, y.Ptr), inv.Name, w.name(x.Entity, got))
			}
		}
	}
}
