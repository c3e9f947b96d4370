package uow

import (
	"fmt"
	"slices"

	"unsafe"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Load asks a driver to run a query and build fresh entity instances from
// its rows. The query selects, in order, the columns of each group.
type Load struct {
	Query  qb.SelectQuery
	Groups []LoadGroup
	// Extras is the number of raw columns the query selects after the
	// groups' columns (e.g. a pivot table's owner key).
	Extras int
	// Row is called for each row with one Loaded per group and the raw
	// values of the extra columns.
	Row func(row []Loaded, extra []any) error
	// Hint is how many rows the caller expects at most (a query's limit),
	// 0 when it cannot tell: drivers size the fresh instances' first block
	// by it.
	Hint int
}

// LoadGroup is one entity's columns in a Load's select list.
type LoadGroup struct {
	Entity  *meta.Entity
	Columns []*meta.Column
	// Optional groups come from LEFT JOINs: a row whose key columns are all
	// NULL has no instance (Loaded.Ptr is nil).
	Optional bool
	// WithLazy groups read lazy properties (em's load of them); other groups
	// leave them alone.
	WithLazy bool
}

// Loaded is one fresh instance built from a row: scalar columns are set;
// foreign-key columns are returned raw in FK (by column index in the group,
// nil for NULL and for scalar columns) for the caller to resolve into
// references.
type Loaded struct {
	Ptr unsafe.Pointer
	FK  []any
	// Many holds, for document databases that store a to-many relation as
	// an array of keys in the owner (MongoDB m:n), the raw keys per
	// relation property; Hydrate turns them into an initialized collection
	// of references.
	Many map[*meta.Property][]any
	// Entity is, for a group of an entity with subtypes (single-table
	// inheritance), the row's concrete type; FK is then indexed by its
	// Columns. Nil means the group's entity.
	Entity *meta.Entity
	// Discard, when the driver sets it, takes back the fresh instance of a
	// row that Hydrate merged into an instance already tracked (Entry.Ptr
	// != Ptr), for the next row to reuse. Call it once the row is done with.
	Discard func(ptr unsafe.Pointer)
}

// Done tells the driver that the row's fresh instance is not needed once
// Hydrate returned en for it (see Discard).
func (l *Loaded) Done(en *Entry) {
	if l.Discard != nil && en != nil && en.Ptr != l.Ptr {
		l.Discard(l.Ptr)
	}
}

// Hydrate turns one fresh instance of a load into the tracked instance for
// its row: foreign-key values become references (tracked instances of the
// targets, unloaded unless already loaded), then the instance is merged into
// the identity map (see Merge).
func (u *UnitOfWork) Hydrate(g *LoadGroup, l Loaded, overwrite bool) (*Entry, error) {
	e, cols := g.Entity, g.Columns
	if l.Entity != nil {
		e, cols = l.Entity, l.Entity.Columns
	}
	for i, c := range cols {
		if l.FK == nil {
			break // no foreign keys in this group
		}
		if c.Prop == nil || c.Prop.Kind == meta.Scalar {
			continue
		}
		v := l.FK[i]
		if v == nil {
			continue
		}
		if len(c.Prop.Columns) != 1 {
			return nil, fmt.Errorf("uow: %s: composite foreign keys are not supported when loading", c.Prop)
		}
		ref, err := u.Reference(c.Prop.Relation.Target, v)
		if err != nil {
			return nil, fmt.Errorf("uow: %s: %w", c.Prop, err)
		}
		c.Prop.At.SetPointer(l.Ptr, ref.Ptr)
	}
	en, err := u.Merge(e, l.Ptr, overwrite)
	if err != nil {
		return nil, err
	}
	// Key arrays (document databases) fill the tracked instance's
	// collections, unless they hold something already.
	if l.Many == nil {
		return en, nil
	}
	for p, keys := range l.Many {
		c := p.At.Collection(en.Ptr)
		if c == nil || (c.IsInitialized() && !overwrite) {
			continue
		}
		items := make([]any, 0, len(keys))
		for _, k := range keys {
			ref, err := u.Reference(p.Relation.Target, k)
			if err != nil {
				return nil, fmt.Errorf("uow: %s: %w", p, err)
			}
			items = append(items, ref.Obj())
		}
		if err := c.HydrateAny(items); err != nil {
			return nil, err
		}
	}
	return en, nil
}

// selectKey is the key of a select list among the entity's derived values.
type selectKey struct{ alias string }

// SelectList returns the columns of e qualified by alias as select-list
// items. It is computed once per entity and alias, kept with the entity
// (freed with its Registry) and shared: do not modify.
func SelectList(e *meta.Entity, alias string) []qb.ValueExpr {
	return e.Derived(selectKey{alias}, func() any {
		all := e.LoadColumns()
		cols := make([]qb.ValueExpr, len(all))
		for i, c := range all {
			if c.IsFormula() {
				cols[i] = qb.As(qb.Raw(c.Prop.FormulaSQL(alias)), c.Name)
				continue
			}
			if c.IsLazy() {
				cols[i] = qb.As(qb.Raw("NULL"), c.Name) // loaded when asked for
				continue
			}
			cols[i] = qb.ColRef(alias + "." + c.Name)
		}
		return slices.Clip(cols)
	}).([]qb.ValueExpr)
}

// SelectFrom returns SELECT <every column of e> FROM <e's table> AS alias,
// the start of every entity load.
// A load of a single-table subtype reads only its rows (DiscriminatorCond).
func SelectFrom(e *meta.Entity, alias string) qb.SelectQuery {
	q := qb.NewSelect(qb.SelectStmt{Columns: SelectList(e, alias), From: &qb.TableRef{Name: e.Table, Alias: alias}})
	if c := DiscriminatorCond(e, alias); c != nil {
		q = q.Where(c)
	}
	return q
}

// GroupOf is the load group of every column of e (LoadColumns).
func GroupOf(e *meta.Entity) LoadGroup {
	return LoadGroup{Entity: e, Columns: e.LoadColumns()}
}
