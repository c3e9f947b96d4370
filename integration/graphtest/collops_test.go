package graphtest

import (
	"strings"
	"unsafe"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// The collection operations: Add, Remove and Set on either side of a
// relation, and what they need to stay valid.

// collState is what the immediate checks of a collection change compare
// with.
type collState struct {
	oldOwner  unsafe.Pointer // 1:m: the item's owning pointer before
	oldInit   bool           // 1:m: the old owner's collection was initialized
	held      bool           // the changed collection held the item
	unsynced  bool           // the item's pointer was set without a Persist since
	otherInit bool           // m:n: the item's other-side collection was initialized
	ownInit   bool           // the changed collection was initialized
}

func (w *world[K]) stateBefore(r *meta.Relation, o, i unsafe.Pointer) collState {
	s := collState{ownInit: coll(r, o).IsInitialized(), held: holds(coll(r, o), i), unsynced: w.unsynced[i]}
	switch r.Kind {
	case meta.OneToMany:
		s.oldOwner = r.MappedBy.At.Pointer(i)
		if s.oldOwner != nil {
			s.oldInit = coll(r, s.oldOwner).IsInitialized()
		}
	case meta.ManyToMany:
		if other := r.Other(); other != nil {
			s.otherInit = other.At.Collection(i).IsInitialized()
		}
	}
	return s
}

// pickOwner draws the entity whose collection r an operation changes:
// mostly a loaded or new one, sometimes an unloaded reference.
func (w *world[K]) pickOwner(r *meta.Relation) (*uow.Entry, bool) {
	cands := w.targets(r.Owner, w.chance(0.15) && !w.avoided("ref-owner"))
	if len(cands) == 0 {
		return nil, false
	}
	return pick(w, cands), true
}

// storedItems returns the keys of the items the database holds in o's
// collection r (read through a fresh EntityManager).
func (w *world[K]) storedItems(r *meta.Relation, o unsafe.Pointer) ([]any, bool) {
	key := keyOf(r.Owner, o)
	if key == nil {
		return nil, true
	}
	side := w.be.orm.Fork()
	obj, err := w.byE[r.Owner].findOne(w.ctx, side, key, em.Populate(r.Prop.Name))
	if err != nil {
		w.fail("side load of %s.%s: %v", w.name(r.Owner, o), r.Prop.Name, err)
		return nil, false
	}
	if obj == nil {
		return nil, true
	}
	var keys []any
	for _, it := range coll(r, ptrOf(obj)).AnyItems() {
		keys = append(keys, keyOf(r.Target, ptrOf(it)))
	}
	return keys, true
}

// pairFree reports whether adding i to o's m:n collection r would write a
// new pivot row: not in the database, and not in a loaded collection of
// either side.
func (w *world[K]) pairFree(r *meta.Relation, o, i unsafe.Pointer) bool {
	if r.Kind != meta.ManyToMany {
		return true
	}
	if c := coll(r, o); c.IsInitialized() {
		return true // Add of a held item is a no-op; else memory is the truth
	}
	if oc := r.Other().At.Collection(i); oc.IsInitialized() && holds(oc, o) {
		return false
	}
	ik := keyOf(r.Target, i)
	if ik == nil {
		return true
	}
	stored, ok := w.storedItems(r, o)
	if !ok {
		return false
	}
	for _, k := range stored {
		if k == ik {
			return false
		}
	}
	return true
}

// opCollAdd adds an existing or new entity to a collection (1:m inverse
// side, m:n owning or inverse side), sometimes persisting the owner after.
func (w *world[K]) opCollAdd() bool {
	r := pick(w, w.relations(toMany))
	o, ok := w.pickOwner(r)
	if !ok {
		return false
	}
	var ip unsafe.Pointer
	desc := ""
	if w.chance(0.25) {
		_, np, ok := w.newTarget(r.Target)
		if !ok {
			return false
		}
		ip, desc = np, "new "+w.name(r.Target, np)
	} else {
		cands := w.targets(r.Target, w.chance(0.25) && !w.avoided("ref-item"))
		if len(cands) == 0 {
			return false
		}
		ip = pick(w, cands).Ptr
		desc = w.name(r.Target, ip)
		if !w.pairFree(r, o.Ptr, ip) {
			return false
		}
	}
	c := coll(r, o.Ptr)
	if r.Kind == meta.OneToMany && !c.IsInitialized() && r.MappedBy.At.Pointer(ip) == o.Ptr && w.avoided("noop-unloaded-1:m") {
		return false
	}
	w.logf("%s.%s.Add(%s) [%s]", w.name(r.Owner, o.Ptr), r.Prop.Name, desc, w.describeColl(r, o.Ptr))
	if !w.persistNewItems(o, r, []unsafe.Pointer{ip}) {
		return true
	}
	before := w.stateBefore(r, o.Ptr, ip)
	q := w.be.sqlQueries()
	_ = c.AddAny(objAt(r.Target, ip))
	if q >= 0 && w.be.sqlQueries() != q {
		w.violation("add-query", "Add ran %d statements", w.be.sqlQueries()-q)
	}
	w.checkAdded(r, o.Ptr, ip, before, "Add")
	w.collMoved[ip] = true
	w.maybePersistOwner(o)
	return true
}

// describeColl says whether the collection is loaded, for the log.
func (w *world[K]) describeColl(r *meta.Relation, o unsafe.Pointer) string {
	c := coll(r, o)
	if !c.IsInitialized() {
		return "not loaded"
	}
	var names []string
	for _, it := range c.AnyItems() {
		names = append(names, w.name(r.Target, ptrOf(it)))
	}
	return "loaded: " + strings.Join(names, " ")
}

func (w *world[K]) maybePersistOwner(o *uow.Entry) {
	if w.stopped || !w.chance(0.4) {
		return
	}
	w.logf("  persist %s", w.name(o.Entity, o.Ptr))
	if w.persist(o.Obj()) && (o.State == uow.StateNew || o.Loaded()) && !(w.collMoved[o.Ptr] && w.avoided("pointer-after-coll")) {
		w.checkSynced(o, "persist after collection change", nil)
	}
}

// opCollRemove takes an item out of a collection: one it holds when it is
// loaded, else one the database holds (as a reference when not in EM1),
// rarely an unrelated entity.
func (w *world[K]) opCollRemove() bool {
	r := pick(w, w.relations(toMany))
	o, ok := w.pickOwner(r)
	if !ok {
		return false
	}
	c := coll(r, o.Ptr)
	var ip unsafe.Pointer
	switch {
	case c.IsInitialized():
		items := c.AnyItems()
		if len(items) == 0 {
			return false
		}
		ip = ptrOf(pick(w, items))
		if en, ok := w.entry(ip); ok && en.State == uow.StateReference && w.avoided("ref-item") {
			return false // on MongoDB an owning m:n collection holds references
		}
	case w.chance(0.1):
		cands := w.targets(r.Target, !w.avoided("ref-item"))
		if len(cands) == 0 {
			return false
		}
		ip = pick(w, cands).Ptr
	default:
		stored, ok := w.storedItems(r, o.Ptr)
		if !ok || len(stored) == 0 {
			return false
		}
		obj, err := w.byE[r.Target].ref(w.m, pick(w, stored))
		if err != nil {
			w.fail("Reference: %v", err)
			return true
		}
		ip = ptrOf(obj)
		if en, ok := w.entry(ip); ok && en.State == uow.StateRemoved {
			return false
		} else if ok && en.State == uow.StateReference && (w.avoided("ref-item") || r.Kind == meta.OneToMany && w.avoided("remove-ref-unloaded-1:m")) {
			return false
		}
	}
	if r.Kind == meta.OneToMany && !c.IsInitialized() && r.MappedBy.At.Pointer(ip) != o.Ptr && w.avoided("noop-unloaded-1:m") {
		return false
	}
	before := w.stateBefore(r, o.Ptr, ip)
	w.logf("%s.%s.Remove(%s) [%s]", w.name(r.Owner, o.Ptr), r.Prop.Name, w.name(r.Target, ip), w.describeColl(r, o.Ptr))
	q := w.be.sqlQueries()
	_ = c.RemoveAny(objAt(r.Target, ip))
	if q >= 0 && w.be.sqlQueries() != q {
		w.violation("remove-query", "Remove ran %d statements", w.be.sqlQueries()-q)
	}
	w.checkRemoved(r, o.Ptr, ip, before, "Remove")
	w.collMoved[ip] = true
	w.maybePersistOwner(o)
	return true
}

// opCollSet replaces a collection's content with Set: some of its items
// (when loaded) plus other existing or new entities.
func (w *world[K]) opCollSet() bool {
	r := pick(w, w.relations(toMany))
	o, ok := w.pickOwner(r)
	if !ok {
		return false
	}
	c := coll(r, o.Ptr)
	if !c.IsInitialized() && w.avoided("set-unloaded-"+r.Kind.String()) {
		return false
	}
	var items []unsafe.Pointer
	seen := map[unsafe.Pointer]bool{}
	if c.IsInitialized() {
		for _, it := range c.AnyItems() {
			if w.chance(0.6) {
				items = append(items, ptrOf(it))
				seen[ptrOf(it)] = true
			}
		}
	}
	for range w.intn(3) {
		var ip unsafe.Pointer
		if w.chance(0.3) {
			_, np, ok := w.newTarget(r.Target)
			if !ok {
				continue
			}
			ip = np
		} else {
			cands := w.targets(r.Target, w.chance(0.2) && !w.avoided("ref-item"))
			if len(cands) == 0 {
				continue
			}
			ip = pick(w, cands).Ptr
			if r.Kind == meta.ManyToMany && c.IsInitialized() && !w.pairFree(r, o.Ptr, ip) {
				continue
			}
		}
		if !seen[ip] {
			seen[ip] = true
			items = append(items, ip)
		}
	}
	var removed []unsafe.Pointer
	if c.IsInitialized() {
		for _, it := range c.AnyItems() {
			if !seen[ptrOf(it)] {
				removed = append(removed, ptrOf(it))
			}
		}
	}
	if w.avoided("ref-item") {
		for _, ip := range append(append([]unsafe.Pointer(nil), items...), removed...) {
			if en, ok := w.entry(ip); ok && en.State == uow.StateReference {
				return false
			}
		}
	}
	var names []string
	for _, ip := range items {
		names = append(names, w.name(r.Target, ip))
	}
	w.logf("%s.%s.Set(%s) [%s]", w.name(r.Owner, o.Ptr), r.Prop.Name, strings.Join(names, " "), w.describeColl(r, o.Ptr))
	if !w.persistNewItems(o, r, items) {
		return true
	}
	befores := map[unsafe.Pointer]collState{}
	for _, ip := range items {
		befores[ip] = w.stateBefore(r, o.Ptr, ip)
	}
	for _, ip := range removed {
		befores[ip] = w.stateBefore(r, o.Ptr, ip)
	}
	args := make([]any, len(items))
	for i, ip := range items {
		args[i] = objAt(r.Target, ip)
	}
	q := w.be.sqlQueries()
	callSet(collValue(r, o.Ptr), r.Target, args)
	if q >= 0 && w.be.sqlQueries() != q {
		w.violation("set-query", "Set ran %d statements", w.be.sqlQueries()-q)
	}
	if !c.IsInitialized() {
		w.violation("set-initializes", "%s.%s is not initialized after Set", w.name(r.Owner, o.Ptr), r.Prop.Name)
	}
	if n := len(c.AnyItems()); n != len(items) {
		w.violation("set-content", "%s.%s holds %d items after Set of %d", w.name(r.Owner, o.Ptr), r.Prop.Name, n, len(items))
	}
	for _, ip := range items {
		w.checkAdded(r, o.Ptr, ip, befores[ip], "Set")
		w.collMoved[ip] = true
	}
	for _, ip := range removed {
		w.checkRemoved(r, o.Ptr, ip, befores[ip], "Set")
		w.collMoved[ip] = true
	}
	w.maybePersistOwner(o)
	return true
}

// persistNewItems persists the new items about to join a collection of an
// unloaded reference: the ORM does not cascade from references (the flush
// fails with "holds an unmanaged ..."), so the user must.
func (w *world[K]) persistNewItems(o *uow.Entry, r *meta.Relation, items []unsafe.Pointer) bool {
	if o.State != uow.StateReference {
		return true
	}
	for _, ip := range items {
		if _, tracked := w.entry(ip); tracked {
			continue
		}
		w.logf("  persist new %s first (no cascade from a reference)", w.name(r.Target, ip))
		if !w.persist(objAt(r.Target, ip)) {
			return false
		}
	}
	return true
}
