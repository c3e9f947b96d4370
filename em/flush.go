package em

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Flush writes every pending change — inserts parents first, updates of
// changed columns only, pivot rows, deletes children first — in one
// transaction (a savepoint inside the EntityManager's open transaction).
// With nothing to write it runs no statement and opens no transaction.
//
// A failed flush rolls back and leaves every entity as it was before it:
// new entities stay new, without a primary key; changed ones keep their
// changes; removed ones stay scheduled. The error says which statement and
// entities failed and wraps the cause (*uow.ConstraintError,
// uow.ErrOptimisticLock, context.Canceled, ...). The EntityManager stays
// usable: fix the cause and flush again.
func (m *EntityManager) Flush(ctx context.Context) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	return m.flush(ctx, true)
}

// flush is Flush; inside a transaction, savepoint wraps it in a savepoint so
// that a failure leaves the transaction usable.
func (m *EntityManager) flush(ctx context.Context, savepoint bool) error {
	if m.flushing {
		return ErrFlushInProgress
	}
	m.flushing = true
	defer func() { m.flushing = false }()
	if err := ctx.Err(); err != nil {
		return err
	}
	var restore []func() // entities as they were before their Before* hooks
	undoHooks := func() {
		for i := len(restore) - 1; i >= 0; i-- {
			restore[i]()
		}
	}
	ch, err := m.changes(ctx, &restore)
	if err != nil {
		undoHooks()
		return err
	}
	if ch.Empty() {
		m.uow.SettleDiffs()
		return nil
	}
	if err := m.validate(ctx, ch); err != nil {
		undoHooks()
		return err
	}
	plan, err := m.uow.Plan(ch)
	if err != nil {
		undoHooks()
		return err
	}
	if err := m.runPlan(ctx, plan, savepoint); err != nil {
		plan.Rollback()
		undoHooks()
		return err
	}
	plan.Commit()
	m.hideSoftDeleted(ch)
	if m.tx != nil {
		m.committed = append(m.committed, plan)
	}
	if err := m.afterHooks(ctx, ch); err != nil {
		return err
	}
	return m.notify(ctx, ch, func(s any, ev *FlushEvent) error {
		if x, ok := s.(AfterFlushSubscriber); ok {
			return x.AfterFlush(ctx, ev)
		}
		return nil
	})
}

// changes computes the change sets, running BeforeFlush subscribers,
// Before* hooks and OnFlush subscribers, recomputing after them.
func (m *EntityManager) changes(ctx context.Context, restore *[]func()) (*uow.Changes, error) {
	if err := m.notify(ctx, nil, func(s any, ev *FlushEvent) error {
		if x, ok := s.(BeforeFlushSubscriber); ok {
			return x.BeforeFlush(ctx, ev)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	ch, err := m.uow.ComputeChanges()
	if err != nil {
		return nil, err
	}
	ran, err := m.beforeHooks(ctx, ch, restore)
	if err != nil {
		return nil, err
	}
	subscribed := false
	if err := m.notify(ctx, ch, func(s any, ev *FlushEvent) error {
		if x, ok := s.(OnFlushSubscriber); ok {
			subscribed = true
			return x.OnFlush(ctx, ev)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if ran || subscribed {
		if ch, err = m.uow.ComputeChanges(); err != nil {
			return nil, err
		}
	}
	return ch, nil
}

func (m *EntityManager) notify(ctx context.Context, ch *uow.Changes, fn func(s any, ev *FlushEvent) error) error {
	if len(m.s.Subscribers) == 0 {
		return nil
	}
	ev := &FlushEvent{EM: m, Changes: ch}
	return m.callout(func() error {
		for _, s := range m.s.Subscribers {
			if err := fn(s, ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// runPlan executes the plan in a new transaction, or in a savepoint of the
// open one.
func (m *EntityManager) runPlan(ctx context.Context, plan *uow.Plan, savepoint bool) error {
	if m.tx == nil {
		m.wrote() // read-your-writes: the fork's reads go to the primary now
	}
	if m.tx != nil && !savepoint {
		return m.tx.Execute(ctx, plan)
	}
	if m.tx != nil {
		m.txDepth++
		name := fmt.Sprintf("unitorm_flush_%d", m.txDepth)
		defer func() { m.txDepth-- }()
		if err := m.tx.Savepoint(ctx, name); err != nil {
			return err
		}
		if err := m.tx.Execute(ctx, plan); err != nil {
			if rbErr := m.tx.RollbackTo(context.WithoutCancel(ctx), name); rbErr != nil {
				return errors.Join(err, rbErr)
			}
			return err
		}
		return m.tx.Release(ctx, name)
	}
	if plan.SingleStatement(m.s.Driver.Dialect()) {
		// One statement is atomic on its own: no BEGIN/COMMIT round trips.
		return m.s.Driver.Executor().Execute(ctx, plan)
	}
	// A database without transactions (standalone MongoDB, FerretDB) runs
	// the plan as it is; its driver reports what a failure left written.
	if nt, ok := m.s.Driver.(interface{ NoTransactions() bool }); ok && nt.NoTransactions() {
		return m.s.Driver.Executor().Execute(ctx, plan)
	}
	tx, err := m.s.Driver.Begin(ctx, nil)
	if err != nil {
		return err
	}
	if err := tx.Execute(ctx, plan); err != nil {
		if rbErr := tx.Rollback(context.WithoutCancel(ctx)); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		return err
	}
	if err := commitTx(ctx, tx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	return nil
}

// commitTx commits tx once its work is done. A context that ended before
// the COMMIT is sent fails it (the caller rolls back); one that ends while
// the COMMIT runs does not interrupt it: a COMMIT cut off mid-way may have
// committed, and an error from a flush must always mean nothing was kept.
func commitTx(ctx context.Context, tx Tx) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return tx.Commit(context.WithoutCancel(ctx))
}

// PlannedStatement is one statement a flush would run.
type PlannedStatement struct {
	SQL  string
	Args []any
	Step string
}

// PreviewFlush returns the statements the next flush would run, in order,
// without running them or changing any entity's data. Keys the database
// will generate appear as uow.Pending values. Hooks and subscribers do not
// run (they may change entities). It does persist what cascades reach and
// schedule orphan removals, as a flush would.
func (m *EntityManager) PreviewFlush() ([]PlannedStatement, error) {
	entered, err := m.guarded()
	if err != nil {
		return nil, err
	}
	defer m.leave(entered)
	d := m.s.Driver.Dialect()
	if d == nil {
		return nil, fmt.Errorf("unitorm: PreviewFlush renders SQL and needs a SQL driver")
	}
	ch, err := m.uow.ComputeChanges()
	if err != nil || ch.Empty() {
		return nil, err
	}
	plan, err := m.uow.Plan(ch)
	if err != nil {
		return nil, err
	}
	var out []PlannedStatement
	for _, step := range plan.Steps {
		stmts, err := plan.Statements(step, d, true)
		if err != nil {
			return nil, err
		}
		for _, st := range stmts {
			sql, args, err := st.Query.ToSQL(d)
			if err != nil {
				return nil, err
			}
			out = append(out, PlannedStatement{SQL: sql, Args: args, Step: step.String()})
		}
	}
	return out, nil
}

// entriesOf returns the tracked entries of entities given as []*T, *T
// values, or a mix in a []any; all must be of one type.
func (m *EntityManager) entriesOf(entities any) ([]*uow.Entry, *meta.Entity, error) {
	var items []any
	switch v := entities.(type) {
	case []any:
		for _, x := range v {
			if inner, ok := x.([]any); ok {
				items = append(items, inner...)
				continue
			}
			rv := reflect.ValueOf(x)
			if rv.Kind() == reflect.Slice {
				for i := 0; i < rv.Len(); i++ {
					items = append(items, rv.Index(i).Interface())
				}
				continue
			}
			items = append(items, x)
		}
	default:
		rv := reflect.ValueOf(entities)
		if rv.Kind() == reflect.Slice {
			for i := 0; i < rv.Len(); i++ {
				items = append(items, rv.Index(i).Interface())
			}
		} else {
			items = []any{entities}
		}
	}
	var (
		e   *meta.Entity
		out []*uow.Entry
	)
	for _, it := range items {
		en, ok := m.uow.EntryOf(it)
		if !ok {
			if _, _, err := m.uow.Resolve(it); err != nil {
				return nil, nil, err
			}
			return nil, nil, fmt.Errorf("%w: %T", uow.ErrDetached, it)
		}
		if e != nil && en.Entity != e {
			return nil, nil, fmt.Errorf("unitorm: entities of different types (%s, %s) given together", e.Name, en.Entity.Name)
		}
		e = en.Entity
		out = append(out, en)
	}
	return out, e, nil
}

// loadByKeys loads rows of e by primary key into the identity map
// (filling references in place), chunked under the parameter limit.
func (m *EntityManager) loadByKeys(ctx context.Context, e *meta.Entity, keys []any) error {
	if len(e.PK) != 1 {
		return fmt.Errorf("unitorm: %s: loading composite keys in batch is not supported yet", e.Name)
	}
	g := uow.GroupOf(e)
	max := m.maxParams()
	arrays := m.arrayParams()
	if arrays {
		max = len(keys)
	}
	for len(keys) > 0 {
		n := min(len(keys), max)
		chunk := keys[:n]
		keys = keys[n:]
		var loaded []*uow.Entry
		q := uow.WhereKeys(uow.SelectFrom(e, "e0"), arrays, "e0."+e.PK[0].Column, chunk)
		err := m.exec(ctx).Load(ctx, &uow.Load{Query: q, Groups: []uow.LoadGroup{g}, Row: func(row []uow.Loaded, _ []any) error {
			en, err := m.uow.Hydrate(&g, row[0], false)
			if err == nil {
				loaded = append(loaded, en)
			}
			return err
		}})
		if err != nil {
			return err
		}
		if err := m.afterLoad(ctx, loaded); err != nil {
			return err
		}
	}
	return nil
}

// Refresh reloads entity from the database (the primary, when there are
// read replicas), discarding its unflushed changes. It returns ErrNotFound when the row is gone.
func (m *EntityManager) Refresh(ctx context.Context, entity any) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	ctx = OnPrimary(ctx) // the latest committed state, not a replica's
	en, ok := m.uow.EntryOf(entity)
	if !ok {
		return fmt.Errorf("%w: %T", uow.ErrDetached, entity)
	}
	k, hasKey := en.Key()
	if !hasKey {
		return fmt.Errorf("%w: a new %s has no row to refresh from", uow.ErrDetached, en.Entity.Name)
	}
	e := en.Entity
	cond := qb.Cond{}
	for _, pk := range e.PK {
		v, err := uow.FieldValue(pk, en.Ptr)
		if err != nil {
			return err
		}
		cond["e0."+pk.Column] = v
	}
	g := uow.GroupOf(e)
	found := false
	err = m.exec(ctx).Load(ctx, &uow.Load{Query: uow.SelectFrom(e, "e0").Where(cond), Groups: []uow.LoadGroup{g},
		Row: func(row []uow.Loaded, _ []any) error {
			found = true
			_, err := m.uow.Hydrate(&g, row[0], true)
			return err
		}})
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%w: %s", ErrNotFound, k)
	}
	return m.afterLoad(ctx, []*uow.Entry{en})
}
