package em

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/unitorm/unitorm/internal/populate"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Query is the entity-aware query builder: conditions, order and populate
// paths name properties (author.name), and results hydrate into the
// EntityManager's identity map. Like qb's builders it is a value: each method
// returns a new Query and the first error is reported when it runs.
type Query[T any] struct {
	m     *EntityManager
	e     *meta.Entity
	where []qb.Condition
	findOpts
	err error
}

// findOpts are the parts of a query that FindOptions set.
type findOpts struct {
	orders    []orderBy
	limit     int
	hasLimit  bool
	offset    int
	hasOffset bool
	populate  []string
	popWhere  map[string]qb.Condition
	popOrder  map[string][]orderBy
	strategy  Strategy
	lock      qb.Lock
	refresh   bool
	optErr    error           // the first invalid option
	filters   []filterSetting // WithFilter, WithoutFilter, ...
}

type orderBy struct {
	path  string
	dir   qb.Direction
	nulls []qb.Nulls
}

// QB starts an entity-aware query for T.
func QB[T any](m *EntityManager) Query[T] {
	e, err := entityOf[T](m)
	return Query[T]{m: m, e: e, err: err}
}

func entityOf[T any](m *EntityManager) (*meta.Entity, error) {
	t := reflect.TypeFor[T]()
	e, ok := m.s.Registry.Entity(t)
	if !ok {
		return nil, fmt.Errorf("%w: %s", uow.ErrNotEntity, t)
	}
	if e.Type == t && !uow.HasCopier(e) {
		uow.UseCopier(e, copyOf[T])
	}
	return e, nil
}

// copyOf is assignment of a T, compiled for T: what loads and snapshots
// of T's entity use once a generic call has named T.
func copyOf[T any](dst, src unsafe.Pointer) { *(*T)(dst) = *(*T)(src) }

// Where adds a condition (ANDed with the others): a qb.Cond on property
// paths, qb.And/Or/Not of those, or raw SQL.
func (q Query[T]) Where(c qb.Condition) Query[T] {
	q.where = append(q.where[:len(q.where):len(q.where)], c)
	return q
}

// OrderBy adds an order on a property path.
func (q Query[T]) OrderBy(path string, dir qb.Direction, nulls ...qb.Nulls) Query[T] {
	q.orders = append(q.orders[:len(q.orders):len(q.orders)], orderBy{path, dir, nulls})
	return q
}

// Limit limits the number of root entities.
func (q Query[T]) Limit(n int) Query[T] { q.limit, q.hasLimit = n, true; return q }

// Offset skips root entities.
func (q Query[T]) Offset(n int) Query[T] { q.offset, q.hasOffset = n, true; return q }

// Populate loads relations by path ("author", "books.tags", "*").
func (q Query[T]) Populate(paths ...string) Query[T] {
	q.populate = append(q.populate[:len(q.populate):len(q.populate)], paths...)
	return q
}

// ForUpdate locks the selected rows (FOR UPDATE); it needs a transaction.
func (q Query[T]) ForUpdate() Query[T] { q.lock.Mode = qb.LockUpdate; return q }

// ForShare takes shared row locks; it needs a transaction.
func (q Query[T]) ForShare() Query[T] { q.lock.Mode = qb.LockShare; return q }

// SkipLocked skips rows locked by others (with ForUpdate/ForShare).
func (q Query[T]) SkipLocked() Query[T] { q.lock.SkipLocked = true; return q }

// NoWait fails instead of waiting for locked rows (with ForUpdate/ForShare).
func (q Query[T]) NoWait() Query[T] { q.lock.NoWait = true; return q }

// Refresh overwrites managed entities with the loaded data, discarding
// their unflushed changes.
func (q Query[T]) Refresh() Query[T] { q.refresh = true; return q }

// build renders the root select (columns of T, joins for paths,
// conditions, order, limit, lock) and its load group.
func (q Query[T]) build(count bool) (qb.SelectQuery, *uow.LoadGroup, error) {
	if q.err != nil {
		return qb.SelectQuery{}, nil, q.err
	}
	if err := q.m.check(); err != nil {
		return qb.SelectQuery{}, nil, err
	}
	if q.optErr != nil {
		return qb.SelectQuery{}, nil, q.optErr
	}
	if q.lock.Mode != qb.LockNone && q.m.tx == nil {
		return qb.SelectQuery{}, nil, fmt.Errorf("%w: row locks need a transaction (Transactional or Begin)", ErrNoTransaction)
	}
	e := q.e
	jp := newJoinPlan(e)
	jp.d = q.m.s.Driver.Dialect()
	jp.doc = jp.d == nil
	var where qb.Expr
	fconds, _, err := q.m.activeFilters(e, q.filters)
	if err != nil {
		return qb.SelectQuery{}, nil, err
	}
	if conds := append(q.where[:len(q.where):len(q.where)], fconds...); len(conds) > 0 {
		var c qb.Condition = conds[0]
		if len(conds) > 1 {
			c = qb.And(conds...)
		}
		w, err := wrapCustom(e, c)
		if err != nil {
			return qb.SelectQuery{}, nil, entityError(e, err)
		}
		n, err := qb.Normalize(w)
		if err != nil {
			return qb.SelectQuery{}, nil, entityError(e, err)
		}
		if where, err = jp.translate(n); err != nil {
			return qb.SelectQuery{}, nil, err
		}
	}
	type ord struct {
		col   string
		dir   qb.Direction
		nulls []qb.Nulls
	}
	var orders []ord
	for _, o := range q.orders {
		col, _, err := jp.column(o.path)
		if err != nil {
			return qb.SelectQuery{}, nil, err
		}
		orders = append(orders, ord{jp.jsonOrder(o.path, col), o.dir, o.nulls})
	}
	gv := uow.GroupOf(e)
	g := &gv
	var sel qb.SelectQuery
	if count {
		sel = qb.Select().From(e.Table, "e0")
		if c := uow.DiscriminatorCond(e, "e0"); c != nil {
			sel = sel.Where(c)
		}
	} else {
		sel = uow.SelectFrom(e, "e0")
	}
	sel = jp.apply(sel)
	if where != nil {
		sel = sel.Where(where)
	}
	if count {
		return sel, g, nil
	}
	for _, o := range orders {
		if isFormulaSQL(o.col) {
			item, err := formulaOrder(o.col, o.dir)
			if err != nil {
				return qb.SelectQuery{}, nil, err
			}
			sel = sel.OrderByRaw(item)
			continue
		}
		sel = sel.OrderBy(o.col, o.dir, o.nulls...)
	}
	if q.hasLimit {
		sel = sel.Limit(q.limit)
	}
	if q.hasOffset {
		sel = sel.Offset(q.offset)
	}
	switch q.lock.Mode {
	case qb.LockUpdate:
		sel = sel.ForUpdate()
	case qb.LockShare:
		sel = sel.ForShare()
	}
	if q.lock.SkipLocked {
		sel = sel.SkipLocked()
	}
	if q.lock.NoWait {
		sel = sel.NoWait()
	}
	return sel, g, sel.Err()
}

// SQL returns the root statement the query would run (populate queries not
// included), for inspection.
func (q Query[T]) SQL() (qb.SelectQuery, error) {
	entered, err := q.enter()
	if err != nil {
		return qb.SelectQuery{}, err
	}
	defer q.m.leave(entered)
	sel, _, err := q.build(false)
	return sel, err
}

// enter checks the query and takes its EntityManager's guard.
func (q Query[T]) enter() (bool, error) {
	if q.err != nil {
		return false, q.err
	}
	return q.m.guarded()
}

// All runs the query and returns the entities, in row order, each one the
// EntityManager's single instance of its row.
func (q Query[T]) All(ctx context.Context) ([]*T, error) {
	entered, err := q.enter()
	if err != nil {
		return nil, err
	}
	defer q.m.leave(entered)
	return q.all(ctx)
}

// all is All. Every property path, populate path and populate option is
// checked before the first statement runs.
func (q Query[T]) all(ctx context.Context) ([]*T, error) {
	if lazy, rels := splitLazy(q.e, q.populate); lazy != nil {
		return q.allLazy(ctx, lazy, rels)
	}
	sel, g, err := q.build(false)
	if err != nil {
		return nil, err
	}
	if err := q.checkPopulate(); err != nil {
		return nil, err
	}
	if len(q.populate) > 0 && q.strategy == Joined {
		return q.allJoined(ctx, sel)
	}
	// The entries are collected only for what needs them after the load
	// (filter notes, OnLoad hooks, populate); the result is collected as
	// it comes.
	var out []*T
	var entries []*uow.Entry
	keep := len(q.populate) > 0 || q.m.notesFiltered(q.e, q.filters) || q.e.InFamily() || hooksOf(q.e)&hasOnLoad != 0
	// An entry registered by a row's own hydration cannot have come
	// before; only rows matching an entry tracked earlier may repeat one
	// (a query joining rows), and only then are the entries deduplicated.
	repeats := false
	hint := 0
	if q.hasLimit && q.limit > 1 {
		hint = q.limit
		out = make([]*T, 0, min(hint, maxHint))
		q.m.uow.Reserve(q.e, hint)
	}
	req := &uow.Load{Query: sel, Groups: []uow.LoadGroup{*g}, Hint: hint, Row: func(row []uow.Loaded, _ []any) error {
		mark := q.m.uow.Mark()
		en, err := q.m.uow.Hydrate(g, row[0], q.refresh)
		if err != nil {
			return err
		}
		repeats = repeats || !en.RegisteredAfter(mark)
		// A T, or a subtype whose embedded T comes first (single-table
		// inheritance): the same address either way.
		out = append(out, (*T)(en.Ptr))
		if keep {
			entries = append(entries, en)
		}
		row[0].Done(en)
		return nil
	}}
	if err := q.m.exec(ctx).Load(ctx, req); err != nil {
		return nil, err
	}
	if repeats {
		out = uow.Unique(out)
		entries = uow.UniqueEntries(entries)
	}
	if !keep {
		return out, nil
	}
	q.noteFiltered(entries)
	if err := q.m.afterLoad(ctx, entries); err != nil {
		return nil, err
	}
	if len(q.populate) > 0 && len(entries) > 0 {
		if err := q.m.populate(ctx, q.e, entries, q.populate, q.popOpts()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// maxHint bounds what a query's limit reserves up front: a limit is an
// upper bound, not a row count.
const maxHint = 4096

func objects[T any](entries []*uow.Entry) []*T {
	out := make([]*T, len(entries))
	for i, en := range entries {
		// A T, or a subtype whose embedded T comes first (single-table
		// inheritance): the same address either way.
		out[i] = (*T)(en.Ptr)
	}
	return out
}

// allJoined loads the roots and every populate path in one query. With a
// limit or offset the root query becomes a subquery, so that they count
// roots, not joined rows; its order must then be on the root's own
// properties.
func (q Query[T]) allJoined(ctx context.Context, root qb.SelectQuery) ([]*T, error) {
	o := q.popOpts()
	o.MaxParams = q.m.maxParams()
	jp, err := populate.PlanJoined(q.m.uow, q.e, q.populate, o)
	if err != nil {
		return nil, err
	}
	full := root
	if q.hasLimit || q.offset > 0 {
		full = qb.NewSelect(qb.SelectStmt{Columns: uow.SelectList(q.e, "e0")}).FromSub(root, "e0")
		for _, ord := range q.orders {
			p, ok := q.e.Prop(ord.path)
			if !ok || p.Kind != meta.Scalar {
				return nil, fmt.Errorf("%w: the joined strategy with a limit orders by the root's own properties, not %q", ErrUnknownProperty, ord.path)
			}
			full = full.OrderBy("e0."+p.Column, ord.dir, ord.nulls...)
		}
	}
	// The key keeps each root's joined rows together: unless the order
	// has it already.
	ordered := map[*meta.Property]bool{}
	for _, ord := range q.orders {
		if p, ok := q.e.Prop(ord.path); ok {
			ordered[p] = true
		}
	}
	for _, pk := range q.e.PK {
		if !ordered[pk] {
			full = full.OrderBy("e0."+pk.Column, qb.Asc)
		}
	}
	full = full.Columns(jp.Columns()...)
	if full, err = jp.Apply(full); err != nil {
		return nil, err
	}
	if full, err = jp.OrderChildren(full); err != nil {
		return nil, err
	}
	req := &uow.Load{Query: full, Groups: jp.Groups, Row: func(row []uow.Loaded, _ []any) error { return jp.Row(row) }}
	if err := q.m.exec(ctx).Load(ctx, req); err != nil {
		return nil, err
	}
	entries, err := jp.Finish()
	if err != nil {
		return nil, err
	}
	q.noteFiltered(entries)
	if err := q.m.afterLoad(ctx, entries); err != nil {
		return nil, err
	}
	for _, group := range jp.Loaded() {
		if err := q.m.afterLoad(ctx, group); err != nil {
			return nil, err
		}
	}
	return objects[T](entries), nil
}

// One returns the first entity, or nil when none matches.
func (q Query[T]) One(ctx context.Context) (*T, error) {
	entered, err := q.enter()
	if err != nil {
		return nil, err
	}
	defer q.m.leave(entered)
	return q.one(ctx)
}

func (q Query[T]) one(ctx context.Context) (*T, error) {
	all, err := q.Limit(1).all(ctx)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	return all[0], nil
}

// OneOrFail returns the first entity, or ErrNotFound.
func (q Query[T]) OneOrFail(ctx context.Context) (*T, error) {
	entered, err := q.enter()
	if err != nil {
		return nil, err
	}
	defer q.m.leave(entered)
	one, err := q.one(ctx)
	if err == nil && one == nil {
		err = fmt.Errorf("%w: %s", ErrNotFound, q.e.Name)
	}
	return one, err
}

// Count counts the matching rows, ignoring order, limit and offset.
func (q Query[T]) Count(ctx context.Context) (int64, error) {
	entered, err := q.enter()
	if err != nil {
		return 0, err
	}
	defer q.m.leave(entered)
	return q.count(ctx)
}

func (q Query[T]) count(ctx context.Context) (int64, error) {
	sel, _, err := q.build(true)
	if err != nil {
		return 0, err
	}
	return q.m.exec(ctx).Count(ctx, sel)
}

// AllAndCount returns a page of entities and the count of all matches.
func (q Query[T]) AllAndCount(ctx context.Context) ([]*T, int64, error) {
	entered, err := q.enter()
	if err != nil {
		return nil, 0, err
	}
	defer q.m.leave(entered)
	all, err := q.all(ctx)
	if err != nil {
		return nil, 0, err
	}
	n, err := q.count(ctx)
	return all, n, err
}

// Maps runs the query and returns raw rows (column name → value) without
// hydrating entities.
func (q Query[T]) Maps(ctx context.Context) ([]map[string]any, error) {
	entered, err := q.enter()
	if err != nil {
		return nil, err
	}
	defer q.m.leave(entered)
	sel, _, err := q.build(false)
	if err != nil {
		return nil, err
	}
	return q.m.exec(ctx).QueryMaps(ctx, sel)
}

// entityError names entity e before err ("unitorm: Post: invalid primary
// key: …"), without repeating err's own "unitorm: " prefix.
func entityError(e *meta.Entity, err error) error {
	return &namedError{prefix: "unitorm: " + e.Name + ": ", err: err}
}

type namedError struct {
	prefix string
	err    error
}

func (n *namedError) Error() string {
	return n.prefix + strings.TrimPrefix(n.err.Error(), "unitorm: ")
}

func (n *namedError) Unwrap() error { return n.err }
