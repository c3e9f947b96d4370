package graphtest

import (
	"strings"
	"unsafe"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// The operations. Each returns false when it found nothing to act on (the
// run then draws another one); it logs what it did before doing it, so that
// a failure inside shows in the log.

// persist calls m.Persist and fails the run on error.
func (w *world[K]) persist(obj any) bool {
	q := w.be.sqlQueries()
	if err := w.m.Persist(obj); err != nil {
		w.fail("Persist(%s): %v", w.nameOf(obj), err)
		return false
	}
	if q >= 0 && w.be.sqlQueries() != q {
		w.violation("persist-query", "Persist(%s) ran %d statements", w.nameOf(obj), w.be.sqlQueries()-q)
	}
	delete(w.unsynced, ptrOf(obj))
	return true
}

// pickKind draws an entity type, with fewer than cap rows when roomy is set.
func (w *world[K]) pickKind(roomy bool) *kind {
	for range 10 {
		k := pick(w, w.kinds)
		if !roomy || w.count(k.e) < k.cap {
			return k
		}
	}
	return nil
}

// newTarget returns a new entity of e to link to, if e has room.
func (w *world[K]) newTarget(e *meta.Entity) (any, unsafe.Pointer, bool) {
	k := w.byE[e]
	if w.count(e) >= k.cap {
		return nil, nil, false
	}
	obj, ptr := w.newEntity(e)
	return obj, ptr, true
}

// freeForOneToOne reports whether the target at tp may be given to the
// unique owning one-to-one relation r: no entity of EM1 points at it and
// no stored row does (a stored row that moves away in the same flush could
// still collide with the new one, depending on statement order).
func (w *world[K]) freeForOneToOne(r *meta.Relation, tp unsafe.Pointer) bool {
	if r.Kind != meta.OneToOne {
		return true
	}
	for _, en := range w.entries(r.Owner, uow.StateNew, uow.StateManaged, uow.StateRemoved) {
		if r.Prop.At.Pointer(en.Ptr) == tp {
			return false
		}
	}
	key := keyOf(r.Target, tp)
	if key == nil {
		return true
	}
	rows, err := w.byE[r.Owner].find(w.ctx, w.be.orm.Fork(), qb.Cond{r.Prop.Name: key})
	if err != nil {
		w.fail("side query %s = %v: %v", r.Prop, key, err)
		return false
	}
	return len(rows) == 0
}

// pickToOne draws a value for the owning to-one relation r of the entity at
// self: nil, a new entity, or an existing one (references included).
func (w *world[K]) pickToOne(r *meta.Relation, self unsafe.Pointer, pNil, pNew float64) (unsafe.Pointer, string, bool) {
	if r.Nullable && w.chance(pNil) {
		return nil, "nil", true
	}
	if w.chance(pNew) {
		if _, tp, ok := w.newTarget(r.Target); ok {
			return tp, "new " + w.name(r.Target, tp), true
		}
	}
	var cands []*uow.Entry
	for _, en := range w.targets(r.Target, w.chance(0.3)) {
		if r.Kind == meta.OneToOne && en.Ptr != r.Prop.At.Pointer(self) && !w.freeForOneToOne(r, en.Ptr) {
			continue
		}
		cands = append(cands, en)
	}
	if len(cands) == 0 {
		if r.Nullable {
			return nil, "nil", true
		}
		return nil, "", false
	}
	en := pick(w, cands)
	return en.Ptr, w.name(r.Target, en.Ptr), true
}

// opPersistNew persists a new entity, some of its relations set to
// existing or new entities (new ones are persisted by cascade).
func (w *world[K]) opPersistNew() bool {
	k := w.pickKind(true)
	if k == nil {
		return false
	}
	first := w.nnew + 1 // labels of the entities this operation creates start here
	obj, ptr := w.newEntity(k.e)
	var parts []string
	type added struct {
		r    *meta.Relation
		item unsafe.Pointer
		old  unsafe.Pointer // a 1:m item's owner before
	}
	var adds []added
	for _, r := range k.e.Relations {
		switch {
		case owningToOne(r):
			if !w.chance(0.6) {
				continue
			}
			tp, desc, ok := w.pickToOne(r, ptr, 0.1, 0.25)
			if !ok {
				continue
			}
			r.Prop.At.SetPointer(ptr, tp)
			parts = append(parts, r.Prop.Name+"="+desc)
		case toMany(r):
			if !w.chance(0.4) {
				continue
			}
			c := coll(r, ptr)
			for range 1 + w.intn(2) {
				var ip unsafe.Pointer
				desc := ""
				if w.chance(0.3) {
					_, np, ok := w.newTarget(r.Target)
					if !ok {
						continue
					}
					ip, desc = np, "new "+w.name(r.Target, np)
				} else {
					cands := w.targets(r.Target, w.chance(0.2) && !w.avoided("ref-item"))
					if len(cands) == 0 {
						continue
					}
					ip = pick(w, cands).Ptr
					desc = w.name(r.Target, ip)
				}
				if holds(c, ip) {
					continue
				}
				a := added{r: r, item: ip}
				if r.Kind == meta.OneToMany {
					a.old = r.MappedBy.At.Pointer(ip)
				}
				adds = append(adds, a)
				_ = c.AddAny(objAt(r.Target, ip))
				parts = append(parts, r.Prop.Name+"+="+desc)
			}
		}
	}
	w.logf("persist new %s {%s}", w.name(k.e, ptr), strings.Join(parts, ", "))
	if !w.persist(obj) {
		return true
	}
	// A new entity's collections are complete once persisted, a 1:m item
	// points at its new owner and has left its old owner's loaded
	// collection, and the other sides of its to-one relations hold it.
	for _, en := range w.entries(nil, uow.StateNew) {
		if n := w.labelNumber(en.Ptr); n < first {
			continue
		}
		for _, r := range en.Entity.Relations {
			if toMany(r) && !coll(r, en.Ptr).IsInitialized() {
				w.violation("new-collection-initialized", "%s.%s of persisted new %s is not initialized", w.name(en.Entity, en.Ptr), r.Prop.Name, w.name(en.Entity, en.Ptr))
			}
		}
		w.checkSynced(en, "persist new", nil)
	}
	for _, a := range adds {
		switch a.r.Kind {
		case meta.OneToMany:
			if got := a.r.MappedBy.At.Pointer(a.item); got != ptr {
				w.violation("persist-new-1:m-owner", "%s added to new %s.%s points at %s after Persist, want the new owner",
					w.name(a.r.Target, a.item), w.name(k.e, ptr), a.r.Prop.Name, w.name(k.e, got))
			}
			if a.old != nil && a.old != ptr && w.loaded(a.old) {
				if oc := coll(a.r, a.old); oc.IsInitialized() && holds(oc, a.item) {
					w.violation("persist-new-1:m-old-owner", "%s moved to new %s is still in its old owner's %s.%s",
						w.name(a.r.Target, a.item), w.name(k.e, ptr), w.name(k.e, a.old), a.r.Prop.Name)
				}
			}
		case meta.ManyToMany:
			if oc := a.r.Other().At.Collection(a.item); oc.IsInitialized() && !holds(oc, ptr) {
				w.violation("persist-new-m:n-other", "%s.%s (loaded) lacks new %s after Persist",
					w.name(a.r.Target, a.item), a.r.Other().Name, w.name(k.e, ptr))
			}
		}
	}
	return true
}

// opRemove removes an entity after unlinking every owning pointer at it
// (stored rows found by a query and loaded into EM1, and EM1's entities),
// as a user must where foreign keys are enforced. The inverse sides
// (collections, inverse 1:1 pointers) are left to the ORM.
func (w *world[K]) opRemove() bool {
	k := pick(w, w.kinds)
	cands := w.live(k.e)
	if len(cands) == 0 {
		return false
	}
	x := pick(w, cands)
	if x.State == uow.StateNew && w.avoided("remove-new") {
		return false
	}
	if w.avoided("remove-chain") && !w.removalAlone(x) {
		return false
	}
	key := keyOf(k.e, x.Ptr)
	w.logf("remove %s", w.name(k.e, x.Ptr))
	var unlinked []string
	for _, r := range w.relations(owningToOne) {
		if r.Target != k.e {
			continue
		}
		if key != nil {
			if _, err := w.byE[r.Owner].find(w.ctx, w.m, qb.Cond{r.Prop.Name: key}); err != nil {
				w.fail("finding what points at %s through %s: %v", w.name(k.e, x.Ptr), r.Prop, err)
				return true
			}
		}
		for _, en := range w.live(r.Owner) {
			if r.Prop.At.Pointer(en.Ptr) == x.Ptr && en.Ptr != x.Ptr {
				r.Prop.At.SetPointer(en.Ptr, nil)
				w.unsynced[en.Ptr] = true
				unlinked = append(unlinked, w.name(en.Entity, en.Ptr)+"."+r.Prop.Name)
				if w.chance(0.5) && !w.persist(en.Obj()) {
					return true
				}
			}
		}
	}
	// A Persist above may have cascaded new entities pointing at x (items
	// a collection change of x gave x as owner): unlink those too, and
	// the items of x's own 1:m collections, tracked or not.
	for again := true; again; {
		again = false
		for _, r := range w.relations(owningToOne) {
			if r.Target != k.e {
				continue
			}
			for _, en := range w.live(r.Owner) {
				if r.Prop.At.Pointer(en.Ptr) == x.Ptr && en.Ptr != x.Ptr {
					r.Prop.At.SetPointer(en.Ptr, nil)
					w.unsynced[en.Ptr] = true
					unlinked = append(unlinked, w.name(en.Entity, en.Ptr)+"."+r.Prop.Name)
					again = true
				}
			}
		}
	}
	for _, r := range k.e.Relations {
		if r.Kind != meta.OneToMany {
			continue
		}
		c := coll(r, x.Ptr)
		for _, it := range append(c.AnyItems(), c.AddedAny()...) {
			if ip := ptrOf(it); ip != x.Ptr && r.MappedBy.At.Pointer(ip) == x.Ptr {
				r.MappedBy.At.SetPointer(ip, nil)
				w.unsynced[ip] = true
				unlinked = append(unlinked, w.name(r.Target, ip)+"."+r.MappedBy.Name)
			}
		}
	}
	if len(unlinked) > 0 {
		w.logf("  unlinked %s", strings.Join(unlinked, ", "))
	}
	if err := w.m.Remove(x.Obj()); err != nil {
		w.fail("Remove(%s): %v", w.name(k.e, x.Ptr), err)
	}
	delete(w.unsynced, x.Ptr)
	return true
}

// opSetPointer sets an owning to-one pointer (m:1, owning 1:1, the
// self-reference, the cycle) and sometimes persists the entity.
func (w *world[K]) opSetPointer() bool {
	r := pick(w, w.relations(owningToOne))
	cands := w.live(r.Owner)
	if len(cands) == 0 {
		return false
	}
	x := pick(w, cands)
	if w.collMoved[x.Ptr] && w.avoided("pointer-after-coll") {
		return false
	}
	old := r.Prop.At.Pointer(x.Ptr)
	tp, desc, ok := w.pickToOne(r, x.Ptr, 0.2, 0.15)
	if !ok || w.stopped {
		return false
	}
	w.logf("%s.%s = %s (was %s)", w.name(r.Owner, x.Ptr), r.Prop.Name, desc, w.name(r.Target, old))
	r.Prop.At.SetPointer(x.Ptr, tp)
	if w.chance(0.6) {
		w.logf("  persist %s", w.name(r.Owner, x.Ptr))
		if w.persist(x.Obj()) {
			changed := r
			if old == tp {
				changed = nil
			}
			w.checkSynced(x, "persist after pointer set", changed)
		}
	} else {
		w.unsynced[x.Ptr] = true
	}
	return true
}

// opScalar changes one scalar property of a loaded or new entity.
func (w *world[K]) opScalar() bool {
	k := pick(w, w.kinds)
	cands := w.live(k.e)
	if len(cands) == 0 {
		return false
	}
	x := pick(w, cands)
	var props []*meta.Property
	for _, p := range k.e.Props {
		if p.Kind == meta.Scalar && !p.PK {
			props = append(props, p)
		}
	}
	p := pick(w, props)
	v := w.setScalar(p, x.Ptr)
	w.logf("%s.%s = %s", w.name(k.e, x.Ptr), p.Name, v)
	return true
}

func (w *world[K]) opFlush() bool {
	w.logf("flush")
	w.flushAndCheck(false)
	return true
}

// opClear empties EM1 (dropping unflushed changes) and loads some entities
// again.
func (w *world[K]) opClear() bool {
	w.logf("clear")
	w.m.Clear()
	w.unsynced = map[unsafe.Pointer]bool{}
	w.collMoved = map[unsafe.Pointer]bool{}
	w.labels = map[unsafe.Pointer]string{}
	for range 1 + w.intn(3) {
		if w.stopped {
			break
		}
		w.opLoad()
	}
	return true
}

// opRefresh reloads a stored entity with m.Refresh (dropping its unflushed
// changes).
func (w *world[K]) opRefresh() bool {
	k := pick(w, w.kinds)
	var cands []*uow.Entry
	for _, en := range w.entries(k.e, uow.StateManaged) {
		if en.Loaded() {
			cands = append(cands, en)
		}
	}
	if len(cands) == 0 {
		return false
	}
	x := pick(w, cands)
	if w.collMoved[x.Ptr] && w.avoided("pointer-after-coll") {
		return false
	}
	if w.avoided("refresh-dirty") && w.dirty(x) {
		return false
	}
	w.logf("refresh %s%s", w.name(k.e, x.Ptr), map[bool]string{true: " (dirty)"}[w.m.IsDirty(x.Obj())])
	if err := w.m.Refresh(w.ctx, x.Obj()); err != nil {
		w.fail("Refresh(%s): %v", w.name(k.e, x.Ptr), err)
		return true
	}
	delete(w.unsynced, x.Ptr)
	// The stored row may point at an entity removed since (the removal
	// unlinked it in memory only): unlink it again, as the user must.
	for _, r := range k.e.Relations {
		if !owningToOne(r) {
			continue
		}
		if tp := r.Prop.At.Pointer(x.Ptr); tp != nil {
			if te, ok := w.entry(tp); ok && te.State == uow.StateRemoved {
				w.logf("  unlink %s.%s again (it points at the removed %s)", w.name(k.e, x.Ptr), r.Prop.Name, w.name(r.Target, tp))
				r.Prop.At.SetPointer(x.Ptr, nil)
				w.unsynced[x.Ptr] = true
			}
		}
	}
	return true
}

// randomPaths draws up to n populate paths from e, each 1 to 3 relations
// deep; rarely "*".
func (w *world[K]) randomPaths(e *meta.Entity, n int) []string {
	var out []string
	for range n {
		if w.chance(0.05) && !w.avoided("populate-inverse-1:1") {
			out = append(out, "*")
			continue
		}
		var parts []string
		cur := e
		for depth := 1 + w.intn(3); depth > 0; depth-- {
			r := pick(w, cur.Relations)
			if !r.Owning && r.Kind == meta.OneToOne && w.avoided("populate-inverse-1:1") {
				break
			}
			parts = append(parts, r.Prop.Name)
			cur = r.Target
		}
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, "."))
		}
	}
	return out
}

// opLoad finds entities in EM1: all of a type, some by key, or one by key,
// with random populate paths and strategy (joined only on SQL).
func (w *world[K]) opLoad() bool {
	k := pick(w, w.kinds)
	paths := w.randomPaths(k.e, w.intn(4))
	var opts []em.FindOption
	strategy := "select-in"
	if len(paths) > 0 {
		opts = append(opts, em.Populate(paths...))
		if !w.mongo() && w.chance(0.35) {
			opts = append(opts, em.WithStrategy(em.Joined))
			strategy = "joined"
		}
	}
	keys := w.known[k.e]
	var err error
	switch {
	case len(keys) == 0 || w.chance(0.25):
		w.logf("FindAll[%s] populate %q %s", k.e.Name, paths, strategy)
		_, err = k.find(w.ctx, w.m, nil, opts...)
	case w.chance(0.4):
		var some []any
		for _, key := range keys {
			if w.chance(0.5) {
				some = append(some, key)
			}
		}
		if len(some) == 0 {
			some = append(some, pick(w, keys))
		}
		var names []string
		for _, key := range some {
			names = append(names, w.keyStr(key))
		}
		w.logf("Find[%s] id in (%s) populate %q %s", k.e.Name, strings.Join(names, " "), paths, strategy)
		_, err = k.find(w.ctx, w.m, qb.Cond{"id": qb.In(some...)}, opts...)
	default:
		key := pick(w, keys)
		w.logf("FindOne[%s](%s) populate %q %s", k.e.Name, w.keyStr(key), paths, strategy)
		_, err = k.findOne(w.ctx, w.m, key, opts...)
	}
	if err != nil {
		w.fail("load: %v", err)
	}
	return true
}

// opPopulate populates paths of some loaded entities (m.Populate), or
// initializes one collection (m.Init).
func (w *world[K]) opPopulate() bool {
	k := pick(w, w.kinds)
	var cands []*uow.Entry
	for _, en := range w.entries(k.e, uow.StateManaged) {
		if en.Loaded() {
			cands = append(cands, en)
		}
	}
	if len(cands) == 0 {
		return false
	}
	if w.chance(0.5) {
		var objs []any
		var names []string
		for _, en := range cands {
			if w.chance(0.5) {
				objs = append(objs, en.Obj())
				names = append(names, w.name(k.e, en.Ptr))
			}
		}
		if len(objs) == 0 {
			return false
		}
		paths := w.randomPaths(k.e, 1+w.intn(2))
		w.logf("Populate(%s, %q)", strings.Join(names, " "), paths)
		if err := w.m.Populate(w.ctx, k.slice(objs), paths...); err != nil {
			w.fail("Populate: %v", err)
		}
		return true
	}
	var rels []*meta.Relation
	for _, r := range k.e.Relations {
		if toMany(r) {
			rels = append(rels, r)
		}
	}
	if len(rels) == 0 {
		return false
	}
	r := pick(w, rels)
	x := pick(w, cands)
	w.logf("Init(%s.%s) [%s]", w.name(k.e, x.Ptr), r.Prop.Name, w.describeColl(r, x.Ptr))
	if err := w.m.Init(w.ctx, collValue(r, x.Ptr).Interface()); err != nil {
		w.fail("Init: %v", err)
	}
	return true
}

// flushAndCheck flushes EM1; a failed flush ends the run. After a
// successful one, memory is compared with the database.
func (w *world[K]) flushAndCheck(final bool) {
	if err := w.m.Flush(w.ctx); err != nil {
		w.fail("flush failed: %v", err)
		return
	}
	w.unsynced = map[unsafe.Pointer]bool{}
	w.collMoved = map[unsafe.Pointer]bool{}
	w.checks++
	w.check(final || w.intn(3) == 0, final)
}

// removalAlone reports whether removing x makes a flush without an unlink
// step (for -graph.avoid=remove-chain): no other removal is pending, and
// neither memory nor the stored row has x pointing at itself.
func (w *world[K]) removalAlone(x *uow.Entry) bool {
	if len(w.entries(nil, uow.StateRemoved)) > 0 {
		return false
	}
	key := keyOf(x.Entity, x.Ptr)
	var stored unsafe.Pointer
	if key != nil {
		obj, err := w.byE[x.Entity].findOne(w.ctx, w.be.orm.Fork(), key)
		if err != nil || obj == nil {
			return false
		}
		stored = ptrOf(obj)
	}
	for _, r := range x.Entity.Relations {
		if !owningToOne(r) || r.Target != x.Entity {
			continue
		}
		if r.Prop.At.Pointer(x.Ptr) == x.Ptr {
			return false
		}
		if stored != nil {
			if t := r.Prop.At.Pointer(stored); t != nil && keyOf(r.Target, t) == key {
				return false
			}
		}
	}
	return true
}

// dirty reports whether x has unflushed changes, its collections included.
func (w *world[K]) dirty(x *uow.Entry) bool {
	if w.m.IsDirty(x.Obj()) {
		return true
	}
	for _, r := range x.Entity.Relations {
		if c := coll(r, x.Ptr); c != nil && c.IsDirty() {
			return true
		}
	}
	return false
}
