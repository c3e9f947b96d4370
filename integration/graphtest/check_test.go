package graphtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/rel"
)

// jsonBudget bounds the entities ToJSON would visit over all roots of one
// check (it follows every path through loaded relations, which grows fast
// with the graph); beyond it the JSON comparison of that check is skipped.
// The final check of a run allows finalBudget.
const (
	jsonBudget  = 25_000
	finalBudget = 150_000
)

// dbView is everything stored, loaded by a fresh EntityManager (EM2) with
// every relation of every type populated.
type dbView struct {
	m    *em.EntityManager
	rows map[*meta.Entity]map[any]unsafe.Pointer
	keys map[*meta.Entity][]any // ascending
}

func relationNames(e *meta.Entity) []string {
	var out []string
	for _, r := range e.Relations {
		out = append(out, r.Prop.Name)
	}
	return out
}

// loadAll loads every row of every type into m, populating every relation.
func (w *world[K]) loadAll(m *em.EntityManager) (*dbView, error) {
	v := &dbView{m: m, rows: map[*meta.Entity]map[any]unsafe.Pointer{}, keys: map[*meta.Entity][]any{}}
	for _, k := range w.kinds {
		objs, err := k.find(w.ctx, m, nil, em.Populate(relationNames(k.e)...))
		if err != nil {
			return nil, fmt.Errorf("FindAll[%s] populate %q: %w", k.e.Name, relationNames(k.e), err)
		}
		v.rows[k.e] = map[any]unsafe.Pointer{}
		for _, o := range objs {
			key := keyOf(k.e, ptrOf(o))
			v.rows[k.e][key] = ptrOf(o)
			v.keys[k.e] = append(v.keys[k.e], key)
		}
		sortKeys(v.keys[k.e])
	}
	return v, nil
}

// check compares EM1 with the database after a successful flush, then,
// when withJSON is set, compares the JSON of every entity.
func (w *world[K]) check(withJSON, final bool) {
	db, err := w.loadAll(w.be.orm.Fork())
	if err != nil {
		w.fail("loading the database into a fresh EntityManager: %v", err)
		return
	}
	w.known = db.keys
	var bad []string
	report := func(format string, args ...any) {
		bad = append(bad, fmt.Sprintf(format, args...))
	}
	for _, en := range uow.OfManager(w.m).IdentityMap().Entries() {
		e, ptr := en.Entity, en.Ptr
		switch en.State {
		case uow.StateNew:
			report("%s is still new after the flush", w.name(e, ptr))
			continue
		case uow.StateRemoved:
			report("%s is still removed (tracked) after the flush", w.name(e, ptr))
			continue
		case uow.StateReference:
			// An unloaded reference has no data to compare, but the
			// collections the ORM changed on it must have been flushed.
			// Its pointers are unknown (nil) or set by the ORM (an item
			// added to a collection): then at an entity EM1 manages.
			for _, r := range e.Relations {
				if c := coll(r, ptr); c != nil && c.IsDirty() {
					report("%s (an unloaded reference).%s has a pending diff right after a successful flush (added %d, removed %d)",
						w.name(e, ptr), r.Prop.Name, len(c.AddedAny()), len(c.RemovedAny()))
				}
				if r.Kind.IsToMany() {
					continue
				}
				if t := r.Prop.At.Pointer(ptr); t != nil {
					if te, ok := w.entry(t); !ok {
						report("%s (an unloaded reference).%s points at an instance EM1 does not manage (%s, deleted?)", w.name(e, ptr), r.Prop.Name, w.name(r.Target, t))
					} else if te.State == uow.StateRemoved {
						report("%s (an unloaded reference).%s points at the removed %s", w.name(e, ptr), r.Prop.Name, w.name(r.Target, t))
					}
				}
			}
			continue
		}
		if !en.Loaded() {
			continue
		}
		if w.m.IsDirty(en.Obj()) {
			report("%s is dirty right after a successful flush", w.name(e, ptr))
		}
		key := keyOf(e, ptr)
		ptr2, ok := db.rows[e][key]
		if !ok {
			report("%s is managed and loaded in memory but has no row in the database", w.name(e, ptr))
			continue
		}
		w.compareEntity(e, ptr, ptr2, report)
	}
	if len(bad) > 0 {
		if len(bad) > 12 {
			bad = append(bad[:12], fmt.Sprintf("... and %d more", len(bad)-12))
		}
		w.fail("after flush, memory (EM1) differs from the database (fresh EM2):\n  %s", strings.Join(bad, "\n  "))
		return
	}
	if withJSON {
		budget := jsonBudget
		if final {
			budget = finalBudget
		}
		w.compareJSON(db, budget)
	}
}

// compareEntity compares one loaded entity of EM1 (at p1) with its row as
// EM2 loaded it (at p2).
func (w *world[K]) compareEntity(e *meta.Entity, p1, p2 unsafe.Pointer, report func(string, ...any)) {
	me := w.name(e, p1)
	for _, p := range e.Props {
		if p.Kind != meta.Scalar {
			continue
		}
		v1, v2 := p.At.Interface(p1), p.At.Interface(p2)
		if !reflect.DeepEqual(v1, v2) {
			report("%s.%s: memory %#v, database %#v", me, p.Name, v1, v2)
		}
	}
	for _, r := range e.Relations {
		p := r.Prop
		if !r.Kind.IsToMany() {
			t1, t2 := p.At.Pointer(p1), p.At.Pointer(p2)
			if !r.Owning && t1 == nil {
				continue // an inverse 1:1 pointer that is nil may just not be loaded
			}
			if t1 != nil {
				if te, ok := w.entry(t1); !ok {
					report("%s.%s points at an instance EM1 does not manage (%s)", me, p.Name, w.name(r.Target, t1))
				} else if te.State == uow.StateRemoved {
					report("%s.%s points at the removed %s", me, p.Name, w.name(r.Target, t1))
				}
			}
			k1, k2 := keyOf(r.Target, t1), keyOf(r.Target, t2)
			if t1 == nil || t2 == nil || k1 != k2 {
				if (t1 == nil) != (t2 == nil) || k1 != k2 {
					report("%s.%s: memory %s, database %s", me, p.Name, w.name(r.Target, t1), w.keyName(r.Target, k2, t2 != nil))
				}
			}
			continue
		}
		c1 := p.At.Collection(p1)
		if c1.IsDirty() {
			report("%s.%s has a pending diff right after a successful flush (added %d, removed %d, replaced %v, loaded %v)",
				me, p.Name, len(c1.AddedAny()), len(c1.RemovedAny()), c1.Replaced(), c1.IsInitialized())
		}
		if !c1.IsInitialized() {
			if _, err := lenErr(r, p1); !errors.Is(err, rel.ErrNotInitialized) {
				report("%s.%s is not initialized but Len returns %v, want rel.ErrNotInitialized", me, p.Name, err)
			}
			continue
		}
		var k1 []any
		for _, it := range c1.AnyItems() {
			ip := ptrOf(it)
			if te, ok := w.entry(ip); !ok {
				report("%s.%s holds an instance EM1 does not manage (%s)", me, p.Name, w.name(r.Target, ip))
			} else if te.State == uow.StateRemoved {
				report("%s.%s holds the removed %s", me, p.Name, w.name(r.Target, ip))
			}
			k1 = append(k1, keyOf(r.Target, ip))
		}
		c2 := p.At.Collection(p2)
		if !c2.IsInitialized() {
			report("%s.%s was not populated in EM2", me, p.Name)
			continue
		}
		var k2 []any
		for _, it := range c2.AnyItems() {
			k2 = append(k2, keyOf(r.Target, ptrOf(it)))
		}
		sortKeys(k1)
		sortKeys(k2)
		if !slices.Equal(k1, k2) {
			report("%s.%s: memory [%s], database [%s]", me, p.Name, w.keyList(r.Target, k1), w.keyList(r.Target, k2))
		}
	}
}

func (w *world[K]) keyName(e *meta.Entity, key any, set bool) string {
	if !set {
		return "nil"
	}
	return strings.SplitN(e.Name, "[", 2)[0] + "(" + w.keyStr(key) + ")"
}

func (w *world[K]) keyList(e *meta.Entity, keys []any) string {
	var out []string
	for _, k := range keys {
		out = append(out, w.keyName(e, k, true))
	}
	return strings.Join(out, " ")
}

// compareJSON brings EM1 to EM2's loaded-ness (every row, every relation:
// collections already initialized are not reloaded, so staleness shows)
// and requires m.ToJSON of every entity to be the same in both, collection
// items ordered by key.
func (w *world[K]) compareJSON(db *dbView, budget int) {
	cost := 0
	for _, k := range w.kinds {
		for _, key := range db.keys[k.e] {
			jsonCost(k.e, db.rows[k.e][key], map[unsafe.Pointer]bool{}, &cost, budget)
		}
	}
	if cost > budget {
		w.skipped++
		return
	}
	w.jsons++
	if _, err := w.loadAll(w.m); err != nil {
		w.fail("loading everything into EM1: %v", err)
		return
	}
	// The same structural comparison first: it names the relation.
	var bad []string
	report := func(format string, args ...any) {
		bad = append(bad, fmt.Sprintf(format, args...))
	}
	for _, k := range w.kinds {
		for _, key := range db.keys[k.e] {
			o1, err := k.findOne(w.ctx, w.m, key)
			if err != nil || o1 == nil {
				report("%s: EM1 FindOne after FindAll: %v, %v", w.keyName(k.e, key, true), o1, err)
				continue
			}
			w.compareEntity(k.e, ptrOf(o1), db.rows[k.e][key], report)
		}
	}
	if len(bad) > 0 {
		if len(bad) > 12 {
			bad = append(bad[:12], fmt.Sprintf("... and %d more", len(bad)-12))
		}
		w.fail("after flush and loading every row and relation into EM1 too, EM1 differs from a fresh EM2:\n  %s", strings.Join(bad, "\n  "))
		return
	}
	for _, k := range w.kinds {
		for _, key := range db.keys[k.e] {
			o1, err := k.findOne(w.ctx, w.m, key)
			if err != nil || o1 == nil {
				bad = append(bad, fmt.Sprintf("%s: EM1 FindOne after FindAll: %v, %v", w.keyName(k.e, key, true), o1, err))
				continue
			}
			j1, err1 := w.m.ToJSON(o1)
			j2, err2 := db.m.ToJSON(objAt(k.e, db.rows[k.e][key]))
			if err1 != nil || err2 != nil {
				bad = append(bad, fmt.Sprintf("%s: ToJSON: %v / %v", w.keyName(k.e, key, true), err1, err2))
				continue
			}
			c1, c2 := canonicalJSON(j1), canonicalJSON(j2)
			if !bytes.Equal(c1, c2) {
				bad = append(bad, fmt.Sprintf("%s: ToJSON differs (collections ordered by key)\n    memory:   %s\n    database: %s",
					w.keyName(k.e, key, true), firstDiff(c1, c2), firstDiff(c2, c1)))
			}
		}
	}
	if len(bad) > 0 {
		if len(bad) > 6 {
			bad = append(bad[:6], fmt.Sprintf("... and %d more", len(bad)-6))
		}
		w.fail("after flush, the JSON of EM1 (fully loaded) differs from a fresh EM2's:\n  %s", strings.Join(bad, "\n  "))
	}
}

// jsonCost counts the entities ToJSON visits from the one at ptr (every
// path through loaded relations, an entity not repeated on its own path),
// stopping once the count passes the budget.
func jsonCost(e *meta.Entity, ptr unsafe.Pointer, path map[unsafe.Pointer]bool, n *int, budget int) {
	*n++
	if *n > budget {
		return
	}
	path[ptr] = true
	defer delete(path, ptr)
	for _, r := range e.Relations {
		if r.Kind.IsToMany() {
			c := r.Prop.At.Collection(ptr)
			if !c.IsInitialized() {
				continue
			}
			for _, it := range c.AnyItems() {
				if tp := ptrOf(it); !path[tp] {
					jsonCost(r.Target, tp, path, n, budget)
				}
			}
			continue
		}
		if tp := r.Prop.At.Pointer(ptr); tp != nil && !path[tp] {
			jsonCost(r.Target, tp, path, n, budget)
		}
	}
}

// canonicalJSON re-encodes a ToJSON document with the items of every array
// (the collections) sorted by their key — an object's "id", or the key
// itself where ToJSON printed only the key — and object members in name
// order. Nothing is dropped or merged: duplicates stay duplicates.
func canonicalJSON(b []byte) []byte {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return append([]byte("invalid JSON: "), b...)
	}
	out, err := json.Marshal(sortArrays(v))
	if err != nil {
		return append([]byte("re-encoding failed: "), b...)
	}
	return out
}

func sortArrays(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, it := range x {
			x[k] = sortArrays(it)
		}
	case []any:
		for i, it := range x {
			x[i] = sortArrays(it)
		}
		slices.SortStableFunc(x, func(a, b any) int { return compareItems(a, b) })
	}
	return v
}

func itemKey(v any) string {
	if m, ok := v.(map[string]any); ok {
		v = m["id"]
	}
	s := fmt.Sprint(v)
	return fmt.Sprintf("%030s", s) // numbers compare as numbers, ObjectIDs as strings
}

func compareItems(a, b any) int {
	if c := strings.Compare(itemKey(a), itemKey(b)); c != 0 {
		return c
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Compare(ja, jb)
}

// firstDiff returns a excerpt of a around where it first differs from b.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from, to := max(0, i-150), min(len(a), i+150)
	s := string(a[from:to])
	if from > 0 {
		s = "…" + s
	}
	if to < len(a) {
		s += "…"
	}
	return fmt.Sprintf("(at byte %d) %s", i, s)
}
