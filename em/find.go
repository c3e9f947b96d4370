package em

import (
	"context"
	"fmt"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// FindOption shapes a Find: order, limit, offset, populate, locks.
type FindOption func(*findOpts)

// OrderBy orders by a property path.
func OrderBy(path string, dir qb.Direction, nulls ...qb.Nulls) FindOption {
	return func(o *findOpts) { o.orders = append(o.orders, orderBy{path, dir, nulls}) }
}

// Limit limits the number of entities returned.
func Limit(n int) FindOption { return func(o *findOpts) { o.limit, o.hasLimit = n, true } }

// Offset skips entities.
func Offset(n int) FindOption { return func(o *findOpts) { o.offset, o.hasOffset = n, true } }

// Populate loads relations by path ("author", "books.tags", "*").
func Populate(paths ...string) FindOption {
	return func(o *findOpts) { o.populate = append(o.populate, paths...) }
}

// PopulateWhere filters the items loaded for a populated to-many path; the
// root entities are not filtered by it.
func PopulateWhere(path string, c qb.Condition) FindOption {
	return func(o *findOpts) {
		if o.popWhere == nil {
			o.popWhere = map[string]qb.Condition{}
		}
		o.popWhere[path] = c
	}
}

// PopulateOrderBy orders the items of a populated to-many path (default:
// by primary key).
func PopulateOrderBy(path, prop string, dir qb.Direction) FindOption {
	return func(o *findOpts) {
		if o.popOrder == nil {
			o.popOrder = map[string][]orderBy{}
		}
		o.popOrder[path] = append(o.popOrder[path], orderBy{path: prop, dir: dir})
	}
}

// WithStrategy chooses how populate loads relations (SelectIn by default).
func WithStrategy(s Strategy) FindOption { return func(o *findOpts) { o.strategy = s } }

// LockMode is a row lock: a pessimistic one for Find (the Lock option) and
// EntityManager.Lock, or LockOptimistic for EntityManager.Lock.
type LockMode int

const (
	// LockPessimisticWrite is SELECT ... FOR UPDATE.
	LockPessimisticWrite LockMode = iota + 1
	// LockPessimisticRead is SELECT ... FOR SHARE.
	LockPessimisticRead
	// LockPessimisticWriteOrFail adds NOWAIT.
	LockPessimisticWriteOrFail
	// LockPessimisticPartialWrite adds SKIP LOCKED.
	LockPessimisticPartialWrite
	// LockOptimistic checks a version the caller expects (one a client
	// sent) against a loaded entity's version: EntityManager.Lock.
	LockOptimistic
)

func (l LockMode) String() string {
	switch l {
	case LockPessimisticWrite:
		return "LockPessimisticWrite"
	case LockPessimisticRead:
		return "LockPessimisticRead"
	case LockPessimisticWriteOrFail:
		return "LockPessimisticWriteOrFail"
	case LockPessimisticPartialWrite:
		return "LockPessimisticPartialWrite"
	case LockOptimistic:
		return "LockOptimistic"
	}
	return fmt.Sprintf("LockMode(%d)", int(l))
}

// rowLock is the row lock of a pessimistic mode.
func (l LockMode) rowLock() (qb.Lock, error) {
	var lk qb.Lock
	switch l {
	case LockPessimisticWrite, LockPessimisticWriteOrFail, LockPessimisticPartialWrite:
		lk.Mode = qb.LockUpdate
	case LockPessimisticRead:
		lk.Mode = qb.LockShare
	case LockOptimistic:
		return lk, fmt.Errorf("%w: LockOptimistic takes the version to check: call m.Lock(ctx, entity, em.LockOptimistic, version) on the loaded entity", ErrInvalidData)
	default:
		return lk, fmt.Errorf("%w: unknown lock mode %v", ErrInvalidData, l)
	}
	lk.NoWait = l == LockPessimisticWriteOrFail
	lk.SkipLocked = l == LockPessimisticPartialWrite
	return lk, nil
}

// Lock takes row locks on what Find reads; it needs a transaction. It takes
// the pessimistic modes (LockOptimistic is for EntityManager.Lock).
func Lock(mode LockMode) FindOption {
	return func(o *findOpts) {
		lk, err := mode.rowLock()
		if err != nil {
			if o.optErr == nil {
				o.optErr = err
			}
			return
		}
		o.lock = lk
	}
}

// Refresh overwrites managed entities with what is loaded, discarding their
// unflushed changes.
func Refresh() FindOption { return func(o *findOpts) { o.refresh = true } }

func (q Query[T]) with(opts []FindOption) Query[T] {
	for _, o := range opts {
		o(&q.findOpts)
	}
	return q
}

// Find returns the entities of type T matching where (nil for all).
func Find[T any](ctx context.Context, m *EntityManager, where qb.Condition, opts ...FindOption) ([]*T, error) {
	q := QB[T](m).with(opts)
	if where != nil {
		q = q.Where(where)
	}
	return q.All(ctx)
}

// FindAll returns every entity of type T.
func FindAll[T any](ctx context.Context, m *EntityManager, opts ...FindOption) ([]*T, error) {
	return Find[T](ctx, m, nil, opts...)
}

// FindOne returns the entity matching where, or nil when none does. where is
// a condition, or a primary-key value: an entity already in the identity map
// is then returned without a query.
func FindOne[T any](ctx context.Context, m *EntityManager, where any, opts ...FindOption) (*T, error) {
	q := QB[T](m).with(opts)
	entered, err := q.enter()
	if err != nil {
		return nil, err
	}
	defer m.leave(entered)
	return findOne(ctx, q, where)
}

// findOne is FindOne. On an identity-map hit with populate paths, the
// select-in strategy loads what is missing of the paths; the joined one
// runs its one query (re-reading the root row, which does not overwrite
// unflushed changes), unless every populated relation is loaded already.
// Either way the identity map's instance is returned, also when its row is
// gone by now.
func findOne[T any](ctx context.Context, q Query[T], where any) (*T, error) {
	m := q.m
	var hit *uow.Entry
	pk, isPK, err := primaryKeyArg(q.e, where)
	if err != nil {
		return nil, err
	}
	if isPK {
		// A key of the wrong type or count fails here, before any query.
		if _, err := uow.KeyFor(q.e, pk...); err != nil {
			return nil, err
		}
		if q.optErr == nil && !q.refresh && q.lock.Mode == qb.LockNone {
			if en, ok := lookupLoaded(m, q.e, pk); ok && m.hitAllowed(q.e, en, q.filters) {
				// No query runs, but what a query would check is checked.
				if err := q.checkOrders(); err != nil {
					return nil, err
				}
				nodes, err := q.populateTree()
				if err != nil {
					return nil, err
				}
				if lazy, rels := splitLazy(q.e, q.populate); lazy != nil {
					if err := m.loadLazy(ctx, q.e, []*uow.Entry{en}, lazy); err != nil {
						return nil, err
					}
					q.populate = rels
				}
				switch {
				case len(nodes) == 0:
					return (*T)(en.Ptr), nil
				case q.strategy != Joined:
					if err := m.populate(ctx, q.e, []*uow.Entry{en}, q.populate, q.popOpts()); err != nil {
						return nil, err
					}
					return (*T)(en.Ptr), nil
				case treeLoaded(m.uow.IdentityMap(), nodes, []*uow.Entry{en}):
					return (*T)(en.Ptr), nil
				}
				// Joined and something to load: the query below.
				hit = en
			}
		}
		where = pkCond(q.e, pk)
	}
	switch w := where.(type) {
	case qb.Condition:
		if w != nil {
			q = q.Where(w)
		}
	case map[string]any:
		q = q.Where(qb.Cond(w))
	}
	one, err := q.one(ctx)
	if err == nil && one == nil && hit != nil {
		return (*T)(hit.Ptr), nil
	}
	return one, err
}

// FindOneOrFail is FindOne that returns ErrNotFound when nothing matches.
func FindOneOrFail[T any](ctx context.Context, m *EntityManager, where any, opts ...FindOption) (*T, error) {
	q := QB[T](m).with(opts)
	entered, err := q.enter()
	if err != nil {
		return nil, err
	}
	defer m.leave(entered)
	one, err := findOne(ctx, q, where)
	if err == nil && one == nil {
		err = fmt.Errorf("%w: %s matching %v", ErrNotFound, q.e.Name, where)
	}
	return one, err
}

// FindAndCount returns a page of entities and the number of all matches
// (the count ignores limit and offset).
func FindAndCount[T any](ctx context.Context, m *EntityManager, where qb.Condition, opts ...FindOption) ([]*T, int64, error) {
	q := QB[T](m).with(opts)
	if where != nil {
		q = q.Where(where)
	}
	return q.AllAndCount(ctx)
}

// Count counts the entities of type T matching where.
//
// Of opts, the filter options count (WithFilter, WithoutFilter,
// WithoutFilters, WithDeleted); order, limit, offset, populate and locks do
// not change a count and are ignored.
func Count[T any](ctx context.Context, m *EntityManager, where qb.Condition, opts ...FindOption) (int64, error) {
	q := QB[T](m)
	if where != nil {
		q = q.Where(where)
	}
	var o findOpts
	for _, opt := range opts {
		opt(&o)
	}
	q.filters = append(q.filters, o.filters...)
	return q.Count(ctx)
}

// primaryKeyArg reports whether where is a primary-key value (or a Cond
// naming only the primary key with plain values) and returns the key values.
func primaryKeyArg(e *meta.Entity, where any) ([]any, bool, error) {
	switch w := where.(type) {
	case nil:
		return nil, false, nil
	case qb.Cond:
		if len(w) != len(e.PK) {
			return nil, false, nil
		}
		vals := make([]any, len(e.PK))
		for i, pk := range e.PK {
			v, ok := w[pk.Name]
			if !ok {
				v, ok = w[pk.Column]
			}
			if !ok || !plainValue(v) {
				return nil, false, nil
			}
			vals[i] = v
		}
		return vals, true, nil
	case map[string]any, qb.Expr:
		return nil, false, nil
	case []any:
		if len(w) == len(e.PK) && len(w) > 1 {
			return w, true, nil
		}
		return nil, false, fmt.Errorf("%w: %s has %d primary key properties, got %d values", uow.ErrInvalidKey, e.Name, len(e.PK), len(w))
	}
	if !plainValue(where) {
		return nil, false, fmt.Errorf("%w: %T is neither a condition nor a primary key", ErrInvalidData, where)
	}
	return []any{where}, true, nil
}

func plainValue(v any) bool {
	switch v.(type) {
	case nil, qb.Operator, qb.Ops, qb.Cond, qb.Expr, map[string]any, []any:
		return false
	}
	return true
}

func lookupLoaded(m *EntityManager, e *meta.Entity, pk []any) (*uow.Entry, bool) {
	k, err := uow.KeyFor(e, pk...)
	if err != nil {
		return nil, false
	}
	en, ok := m.uow.IdentityMap().Lookup(k)
	if !ok || !en.Loaded() || en.State == uow.StateRemoved || !en.Entity.IsA(e) {
		return nil, false
	}
	return en, true
}

func pkCond(e *meta.Entity, pk []any) qb.Cond {
	c := qb.Cond{}
	for i, p := range e.PK {
		c[p.Name] = pk[i]
	}
	return c
}
