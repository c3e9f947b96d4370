package em

import (
	"context"
	"fmt"
	"strings"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Lazy scalar properties (tag lazy) are left out of loads — SQL selects
// NULL in their place, MongoDB does not read the field — and hold their zero
// value until loaded by naming them as populate paths: em.Populate("body")
// on a query, or m.Populate(ctx, doc, "body") on loaded entities (one query
// per chunk of keys; only the entity's own lazy properties, not through
// relations). Change detection compares them with what was last loaded (the
// zero value when never loaded): setting one writes it, leaving it alone
// writes nothing. A later load of the entity keeps a loaded lazy value
// instead of unloading it; a lazy value changed in memory is not overwritten
// by loading it.

// splitLazy separates the lazy properties of e named in paths from the
// relation paths.
func splitLazy(e *meta.Entity, paths []string) (lazy []*meta.Property, rels []string) {
	for _, path := range paths {
		if !strings.Contains(path, ".") {
			if p, ok := e.Prop(path); ok && p.Lazy {
				lazy = append(lazy, p)
				continue
			}
		}
		rels = append(rels, path)
	}
	if lazy == nil {
		return nil, paths
	}
	return lazy, rels
}

// loadLazy loads the lazy properties props of entries (entities of e).
func (m *EntityManager) loadLazy(ctx context.Context, e *meta.Entity, entries []*uow.Entry, props []*meta.Property) error {
	if len(props) == 0 || len(entries) == 0 {
		return nil
	}
	if len(e.PK) != 1 {
		return &PropertyError{Entity: e.Name, Property: props[0].Name, Err: fmt.Errorf("%w: lazy properties need a single-column primary key", ErrInvalidData)}
	}
	pk := e.PK[0]
	cols := []*meta.Column{pk.Columns[0]}
	sel := []any{"e0." + pk.Column}
	for _, p := range props {
		cols = append(cols, p.Columns[0])
		sel = append(sel, "e0."+p.Column)
	}
	var keys []any
	seen := map[uow.Key]bool{}
	for _, en := range entries {
		k, ok := en.Key()
		if !ok || seen[k] {
			continue
		}
		seen[k] = true
		v, err := uow.FieldValue(pk, en.Ptr)
		if err != nil {
			return err
		}
		keys = append(keys, v)
	}
	g := uow.LoadGroup{Entity: e, Columns: cols, WithLazy: true}
	for chunk := range chunks(keys, m.maxParams()) {
		q := qb.Select(sel...).From(e.Table, "e0").WhereIn("e0."+pk.Column, chunk...)
		err := m.exec(ctx).Load(ctx, &uow.Load{Query: q, Groups: []uow.LoadGroup{g}, Row: func(row []uow.Loaded, _ []any) error {
			k, ok := uow.KeyOf(e, row[0].Ptr)
			if !ok {
				return nil
			}
			if en, ok := m.uow.IdentityMap().Lookup(k); ok {
				m.uow.SetLoaded(en, props, row[0].Ptr)
			}
			return nil
		}})
		if err != nil {
			return err
		}
	}
	return nil
}

// chunks yields keys in slices of at most n.
func chunks(keys []any, n int) func(func([]any) bool) {
	return func(yield func([]any) bool) {
		for len(keys) > 0 {
			c := min(n, len(keys))
			if !yield(keys[:c]) {
				return
			}
			keys = keys[c:]
		}
	}
}

// allLazy is Query.all for a query naming lazy properties among its
// populate paths: the rest, then the lazy properties of the results.
func (q Query[T]) allLazy(ctx context.Context, lazy []*meta.Property, rels []string) ([]*T, error) {
	q.populate = rels
	out, err := q.all(ctx)
	if err != nil || len(out) == 0 {
		return out, err
	}
	entries := make([]*uow.Entry, 0, len(out))
	for _, o := range out {
		if en, ok := q.m.uow.EntryOf(o); ok {
			entries = append(entries, en)
		}
	}
	return out, q.m.loadLazy(ctx, q.e, entries, lazy)
}
