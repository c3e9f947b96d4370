package em

import (
	"context"
	"fmt"
	"strings"
	"unsafe"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Keyset (seek) pagination, shared by FindByCursor and Stream: a total
// order on a query's rows (the orders asked for, then the primary key),
// a condition meaning "after this row in that order", and a load that
// reports each row's order values as read from the database.

// keyItem is one item of a keyset order: a single-column scalar property
// of the root entity.
type keyItem struct {
	prop     *meta.Property
	col      *meta.Column
	desc     bool
	nullable bool
	nulls    qb.Nulls // where NULLs go (NullsFirst or NullsLast) when nullable
}

// keyOrder is q's order made total: the orders on the root's own scalar
// properties, then every primary-key property not ordered yet. NULLs sort
// as the largest value (last ascending, first descending) unless an order
// says otherwise, on every SQL database; on MongoDB as the smallest.
func (q Query[T]) keyOrder(what string) ([]keyItem, error) {
	e := q.e
	var items []keyItem
	seen := map[*meta.Property]bool{}
	for _, o := range q.orders {
		p, ok := e.Prop(o.path)
		if !ok {
			return nil, &PropertyError{Entity: e.Name, Property: o.path,
				Err: fmt.Errorf("%w: %s has no property %q", ErrUnknownProperty, e.Name, o.path)}
		}
		if p.Kind != meta.Scalar || len(p.Columns) != 1 {
			return nil, &PropertyError{Entity: e.Name, Property: o.path,
				Err: fmt.Errorf("%w: %s orders by the entity's own scalar properties", ErrUnknownProperty, what)}
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		dir, err := normDir(o.dir)
		if err != nil {
			return nil, err
		}
		it := keyItem{prop: p, col: p.Columns[0], desc: dir == qb.Desc, nullable: p.Columns[0].Nullable && !p.Columns[0].PK}
		// NULL is the largest value; on MongoDB, whose sort has no NULLS
		// FIRST/LAST, the smallest (its own order).
		nullLargest := q.m.s.Driver.Dialect() != nil
		it.nulls = qb.NullsLast
		if it.desc == nullLargest {
			it.nulls = qb.NullsFirst
		}
		if len(o.nulls) > 0 && o.nulls[0] != qb.NullsDefault {
			it.nulls = o.nulls[0]
		}
		items = append(items, it)
	}
	for _, pk := range e.PK {
		if !seen[pk] {
			items = append(items, keyItem{prop: pk, col: pk.Columns[0]})
		}
	}
	return items, nil
}

func normDir(d qb.Direction) (qb.Direction, error) {
	switch {
	case strings.EqualFold(string(d), "asc"):
		return qb.Asc, nil
	case strings.EqualFold(string(d), "desc"):
		return qb.Desc, nil
	}
	return "", fmt.Errorf("%w: order direction %q: want asc or desc", ErrInvalidData, d)
}

// reversed is the order read backwards: directions and NULL places swapped.
func reversed(items []keyItem) []keyItem {
	out := make([]keyItem, len(items))
	for i, it := range items {
		it.desc = !it.desc
		if it.nulls == qb.NullsFirst {
			it.nulls = qb.NullsLast
		} else if it.nulls == qb.NullsLast {
			it.nulls = qb.NullsFirst
		}
		out[i] = it
	}
	return out
}

// withOrder returns q ordered by items (replacing its orders).
func (q Query[T]) withOrder(items []keyItem) Query[T] {
	q.orders = nil
	for _, it := range items {
		dir := qb.Asc
		if it.desc {
			dir = qb.Desc
		}
		if it.nullable {
			q = q.OrderBy(it.prop.Name, dir, it.nulls)
		} else {
			q = q.OrderBy(it.prop.Name, dir)
		}
	}
	return q
}

// after is the condition "the row comes after vals in the order items":
// (k1 after v1) OR (k1 = v1 AND k2 after v2) OR ...
func after(items []keyItem, vals []any) qb.Expr {
	var ors []qb.Condition
	for i := range items {
		var and []qb.Condition
		for j := 0; j < i; j++ {
			and = append(and, qb.Compare{Field: items[j].prop.Name, Op: qb.OpEq, Value: vals[j]})
		}
		step := beyond(items[i], vals[i])
		if step == nil {
			continue
		}
		and = append(and, step)
		ors = append(ors, qb.And(and...))
	}
	return qb.Or(ors...)
}

// beyond is "the column comes strictly after v" for one order item; nil
// when nothing can (v is NULL and NULLs come last).
func beyond(it keyItem, v any) qb.Condition {
	f := it.prop.Name
	nullsAfter := it.nullable && it.nulls == qb.NullsLast
	if v == nil {
		if nullsAfter || !it.nullable {
			return nil
		}
		return qb.Compare{Field: f, Op: qb.OpNe, Value: nil}
	}
	op := qb.OpGt
	if it.desc {
		op = qb.OpLt
	}
	c := qb.Compare{Field: f, Op: op, Value: v}
	if nullsAfter {
		return qb.Or(c, qb.Compare{Field: f, Op: qb.OpEq, Value: nil})
	}
	return c
}

// keyValues reads the order values of a fresh instance.
func keyValues(items []keyItem, ptr unsafe.Pointer) ([]any, error) {
	vals := make([]any, len(items))
	for i, it := range items {
		v, err := uow.ColumnValue(it.col, ptr)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

// loadKeyed runs q (already ordered, filtered and limited) like All, and
// calls onRow with each row's order values as read from the database
// (before the identity map, whose instance may hold unflushed changes).
// Populate paths run select-in after the rows; retain false detaches the
// entities again before returning (streaming).
func (q Query[T]) loadKeyed(ctx context.Context, items []keyItem, onRow func(vals []any)) ([]*uow.Entry, error) {
	sel, g, err := q.build(false)
	if err != nil {
		return nil, err
	}
	var entries []*uow.Entry
	seen := map[*uow.Entry]bool{}
	req := &uow.Load{Query: sel, Groups: []uow.LoadGroup{*g}, Row: func(row []uow.Loaded, _ []any) error {
		vals, err := keyValues(items, row[0].Ptr)
		if err != nil {
			return err
		}
		en, err := q.m.uow.Hydrate(g, row[0], q.refresh)
		if err != nil {
			return err
		}
		if !seen[en] {
			seen[en] = true
			entries = append(entries, en)
			onRow(vals)
		}
		return nil
	}}
	if err := q.m.exec(ctx).Load(ctx, req); err != nil {
		return nil, err
	}
	if err := q.m.afterLoad(ctx, entries); err != nil {
		return nil, err
	}
	if len(q.populate) > 0 && len(entries) > 0 {
		if err := q.m.populate(ctx, q.e, entries, q.populate, q.popOpts()); err != nil {
			return nil, err
		}
	}
	return entries, nil
}
