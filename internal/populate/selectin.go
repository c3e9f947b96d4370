package populate

import (
	"context"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Loader runs load requests (an em.Executor).
type Loader interface {
	Load(ctx context.Context, req *uow.Load) error
}

// Order is one ORDER BY item for populated collections.
type Order struct {
	Prop string
	Dir  qb.Direction
}

// Options tune a populate run.
type Options struct {
	// MaxParams bounds the keys of one IN list (the dialect's limit).
	MaxParams int
	// ArrayParams: the database binds a key list as one array parameter
	// (PostgreSQL): one = ANY query per level, whatever the number of keys.
	ArrayParams bool
	// Where filters the items of to-many paths, by path: a qb.Cond on the
	// target's properties. Root entities are not filtered.
	Where map[string]qb.Condition
	// OrderBy orders the items of to-many paths (default: primary key).
	OrderBy map[string][]Order
	// Refresh reloads relations that are already loaded.
	Refresh bool
	// OnLoad is called with the entries each query loaded.
	OnLoad func(ctx context.Context, loaded []*uow.Entry) error // may repeat entries
	// Hooked reports whether OnLoad has anything to do for entities of e
	// (nil: always); loads of other entities do not collect their entries.
	Hooked func(e *meta.Entity) bool
	// ArrayManyToMany is set for document databases (MongoDB) that store an
	// owning many-to-many relation as an array of the targets' keys in the
	// owner instead of a pivot table: owners' collections are read from
	// their arrays (loads fill uow.Loaded.Many) and the unloaded items loaded
	// by key with one IN query; inverse sides query the owners whose array
	// holds a key (a condition on the owning property's name).
	ArrayManyToMany bool
	// Filter returns the condition (on the entity's properties) that the
	// items of to-many paths to an entity must meet, nil for none: the
	// EntityManager's active filters. To-one relations are loaded by key
	// without it; on MongoDB an owning many-to-many collection read from the
	// owner's key array is not filtered either.
	Filter func(e *meta.Entity) (qb.Condition, error)
}

// Run loads the relations named by paths for entries (all of entity root).
func Run(ctx context.Context, ld Loader, u *uow.UnitOfWork, root *meta.Entity, entries []*uow.Entry, paths []string, opts Options) error {
	nodes, err := Parse(root, paths)
	if err != nil {
		return err
	}
	if opts.MaxParams <= 0 {
		opts.MaxParams = 32766
	}
	r := &run{ld: ld, u: u, opts: opts}
	for _, c := range opts.Where {
		if x, err := qb.Normalize(c); err == nil {
			r.reserved = max(r.reserved, countParams(x))
		}
	}
	return r.level(ctx, nodes, entries)
}

type run struct {
	ld   Loader
	u    *uow.UnitOfWork
	opts Options
	// reserved is the number of parameters the populate filters may add to
	// a query: IN lists are chunked to leave room for them.
	reserved int
}

func (r *run) level(ctx context.Context, nodes []*Node, owners []*uow.Entry) error {
	for _, n := range nodes {
		if len(owners) == 0 {
			return nil
		}
		var next []*uow.Entry
		var err error
		switch rel := n.Relation; {
		case rel.Kind == meta.ManyToMany:
			next, err = r.manyToMany(ctx, n, owners)
		case rel.Kind == meta.OneToMany || (rel.Kind == meta.OneToOne && !rel.Owning):
			next, err = r.inverse(ctx, n, owners)
		default:
			next, err = r.toOne(ctx, n, owners)
		}
		if err != nil {
			return fmt.Errorf("unitorm: populate %s: %w", n.Path, err)
		}
		if len(n.Children) > 0 {
			if err := r.level(ctx, n.Children, next); err != nil {
				return err
			}
		}
	}
	return nil
}

func selectColumns(e *meta.Entity, alias string) []any {
	list := uow.SelectList(e, alias)
	cols := make([]any, len(list))
	for i, c := range list {
		cols[i] = c
	}
	return cols
}

func keyValue(en *uow.Entry) (any, error) {
	e := en.Entity
	if len(e.PK) != 1 {
		return nil, fmt.Errorf("composite keys are not supported by populate yet (%s)", e.Name)
	}
	return uow.FieldValue(e.PK[0], en.Ptr)
}

// load runs one select per chunk of keys and hydrates each row.
// The entries loaded are returned when keep is set (and otherwise only
// collected for OnLoad hooks).
func (r *run) load(ctx context.Context, target *meta.Entity, keys []any, build func(chunk []any) (qb.SelectQuery, error),
	extras int, keep bool, row func(en *uow.Entry, l uow.Loaded, extra []any) error) ([]*uow.Entry, error) {
	g := uow.GroupOf(target)
	var loaded []*uow.Entry
	hooked := r.opts.OnLoad != nil && (r.opts.Hooked == nil || r.opts.Hooked(target))
	keep = keep || hooked
	size := r.opts.MaxParams - r.reserved
	if size < 1 {
		size = 1
	}
	if r.opts.ArrayParams {
		size = max(len(keys), 1)
	}
	for _, chunk := range uow.Chunks(keys, size) {
		q, err := build(chunk)
		if err != nil {
			return nil, err
		}
		req := &uow.Load{Query: q, Groups: []uow.LoadGroup{g}, Extras: extras,
			Row: func(rw []uow.Loaded, extra []any) error {
				l := rw[0]
				en, err := r.u.Hydrate(&g, l, r.opts.Refresh)
				if err != nil {
					return err
				}
				if keep {
					loaded = append(loaded, en)
				}
				err = row(en, l, extra)
				l.Done(en)
				return err
			}}
		if err := r.ld.Load(ctx, req); err != nil {
			return nil, err
		}
	}
	if hooked && len(loaded) > 0 {
		// The same entity may come twice (m:n rows); OnLoad deduplicates
		// when it has hooks to run.
		if err := r.opts.OnLoad(ctx, loaded); err != nil {
			return nil, err
		}
	}
	return loaded, nil
}

// toOne loads the targets of an owning to-one relation that are not loaded.
func (r *run) toOne(ctx context.Context, n *Node, owners []*uow.Entry) ([]*uow.Entry, error) {
	rel := n.Relation
	im := r.u.IdentityMap()
	var targets, missing []*uow.Entry
	for _, o := range owners {
		tp := rel.Prop.At.Pointer(o.Ptr)
		if tp == nil {
			continue
		}
		t, ok := im.EntryAt(rel.Target, tp)
		if !ok {
			continue // an unmanaged object set by the user: nothing to load
		}
		targets = append(targets, t)
		if !t.Loaded() || r.opts.Refresh {
			missing = append(missing, t)
		}
	}
	targets, missing = uow.UniqueEntries(targets), uow.UniqueEntries(missing)
	if len(missing) > 0 {
		keys := make([]any, 0, len(missing))
		for _, t := range missing {
			if _, ok := t.Key(); !ok {
				continue
			}
			k, err := keyValue(t)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
		target := rel.Target
		pk := "e0." + target.PK[0].Column
		_, err := r.load(ctx, target, keys, func(chunk []any) (qb.SelectQuery, error) {
			return uow.WhereKeys(uow.SelectFrom(target, "e0"), r.opts.ArrayParams, pk, chunk), nil
		}, 0, false, func(*uow.Entry, uow.Loaded, []any) error { return nil })
		if err != nil {
			return nil, err
		}
	}
	return targets, nil
}

// ownerSet is the owners a level loads items for, in order, with the items
// each one gets. Owners are found by their entry (at), not by key: a row
// names its owner by key, which the Identity Map resolves.
type ownerSet struct {
	list  []*uow.Entry
	items [][]*uow.Entry
	at    map[*uow.Entry]int32
}

func (s *ownerSet) get(o *uow.Entry) []*uow.Entry {
	if i, ok := s.at[o]; ok {
		return s.items[i]
	}
	return nil
}

func (s *ownerSet) set(o *uow.Entry, its []*uow.Entry) {
	if i, ok := s.at[o]; ok {
		s.items[i] = its
	}
}

// ownersToLoad lists the owners needing a load (each once) and their key
// values.
func (r *run) ownersToLoad(n *Node, owners []*uow.Entry) (*ownerSet, []any, error) {
	set := &ownerSet{at: make(map[*uow.Entry]int32, len(owners))}
	var keys []any
	for _, o := range owners {
		if _, dup := set.at[o]; dup {
			continue
		}
		if _, ok := o.Key(); !ok {
			continue
		}
		if c := n.Relation.Prop.At.Collection(o.Ptr); c != nil && c.IsInitialized() && !r.opts.Refresh {
			continue
		}
		if !n.Relation.Prop.Kind.IsToMany() && n.Relation.Prop.At.Pointer(o.Ptr) != nil && !r.opts.Refresh {
			continue
		}
		v, err := keyValue(o)
		if err != nil {
			return nil, nil, err
		}
		set.at[o] = int32(len(set.list))
		set.list = append(set.list, o)
		keys = append(keys, v)
	}
	set.items = make([][]*uow.Entry, len(set.list))
	return set, keys, nil
}

// children returns the items a to-many (or inverse to-one) relation holds
// for owners, to continue the path from.
func children(n *Node, owners []*uow.Entry, im *uow.IdentityMap) []*uow.Entry {
	var out []*uow.Entry
	for _, o := range owners {
		p := n.Relation.Prop
		if !p.Kind.IsToMany() {
			if tp := p.At.Pointer(o.Ptr); tp != nil {
				if t, ok := im.EntryAt(n.Relation.Target, tp); ok {
					out = append(out, t)
				}
			}
			continue
		}
		c := p.At.Collection(o.Ptr)
		if c == nil {
			continue
		}
		for _, it := range c.AnyItems() {
			if t, ok := im.EntryAt(n.Relation.Target, reflect.ValueOf(it).UnsafePointer()); ok {
				out = append(out, t)
			}
		}
	}
	return out // may repeat entries: the next level deduplicates its owners
}

// fill stores loaded items into their owners: collections are hydrated
// (owners without rows get an empty one), inverse to-one pointers set.
func fill(n *Node, set *ownerSet) error {
	p := n.Relation.Prop
	var objs []any
	for i, o := range set.list {
		its := set.items[i]
		if !p.Kind.IsToMany() {
			var tp unsafe.Pointer
			if len(its) > 0 {
				tp = its[0].Ptr
			}
			p.At.SetPointer(o.Ptr, tp)
			continue
		}
		c := p.At.Collection(o.Ptr)
		if c == nil {
			continue
		}
		objs = objs[:0]
		for _, it := range its {
			objs = append(objs, uow.ObjAs(p.Relation.Target, it))
		}
		if err := c.HydrateAny(objs); err != nil {
			return err
		}
	}
	return nil
}

// collect loads the target rows of n for the owners' keys and stores them in
// their owners (fill). ownerKeys gives, for a loaded row, the raw keys of the
// owners it belongs to.
func (r *run) collect(ctx context.Context, n *Node, set *ownerSet, keys []any, extras int,
	build func(chunk []any) (qb.SelectQuery, error), ownerKeys func(l uow.Loaded, extra []any) []any) error {
	owner := n.Relation.Owner
	im := r.u.IdentityMap()
	_, err := r.load(ctx, n.Relation.Target, keys, build, extras, false, func(en *uow.Entry, l uow.Loaded, extra []any) error {
		for _, k := range ownerKeys(l, extra) {
			key, err := uow.KeyFor(owner, k)
			if err != nil {
				return err
			}
			if o, ok := im.Lookup(key); ok {
				if i, ok := set.at[o]; ok {
					set.items[i] = append(set.items[i], en)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, filtered := r.opts.Where[n.Path]
	inMemory(n, set.list, set.get, set.set, r.u, !filtered)
	return fill(n, set)
}

// inMemory corrects what a load of an inverse relation (one-to-many, inverse
// one-to-one) groups by the stored foreign keys with what memory says, as
// memory is the truth until the flush: an item whose owning pointer was
// moved (and not flushed yet) belongs to the owner it points at now.
// With moveIn set, managed items pointing at an owner that the load did not
// return (moved there in memory) are added to it.
//
// Every item placed is recorded as in step with its owner (and every item
// kept out, as still to join the owner it points at), so that a later
// pointer write moves it from the right collection.
func inMemory(n *Node, loaded []*uow.Entry, get func(*uow.Entry) []*uow.Entry, set func(*uow.Entry, []*uow.Entry), u *uow.UnitOfWork, moveIn bool) {
	r := n.Relation
	if r.Owning || r.MappedBy == nil || r.Kind == meta.ManyToMany {
		return
	}
	fk := r.MappedBy
	owners := make(map[unsafe.Pointer]*uow.Entry, len(loaded))
	for _, o := range loaded {
		owners[o.Ptr] = o
	}
	placed := map[*uow.Entry]bool{}
	for _, o := range loaded {
		its := get(o)
		kept := its[:0]
		for _, it := range its {
			if cur := fk.At.Pointer(it.Ptr); cur == o.Ptr {
				kept = append(kept, it)
				placed[it] = true
				u.NoteLoaded(r, it, o.Ptr, false)
			} else {
				u.NoteLoaded(r, it, cur, true)
			}
		}
		if len(its) > 0 {
			set(o, kept)
		}
	}
	if !moveIn {
		return
	}
	for _, en := range u.IdentityMap().OfType(r.Target) {
		if placed[en] || (en.State != uow.StateManaged && en.State != uow.StateNew) {
			continue
		}
		if o, ok := owners[fk.At.Pointer(en.Ptr)]; ok {
			set(o, append(get(o), en))
			u.NoteLoaded(r, en, o.Ptr, false)
		}
	}
}

// countParams counts the values a condition binds (an upper bound).
func countParams(x qb.Expr) int {
	switch v := x.(type) {
	case qb.Compare:
		switch val := v.Value.(type) {
		case nil, qb.ColRef:
			return 0
		case []any:
			return len(val)
		case qb.RawExpr:
			return len(val.Args)
		}
		return 1
	case qb.Logical:
		n := 0
		for _, it := range v.Items {
			n += countParams(it)
		}
		return n
	case qb.NotExpr:
		return countParams(v.Expr)
	case qb.RawExpr:
		return len(v.Args)
	}
	return 16 // subqueries and the like: keep a margin
}
