package em

import (
	"github.com/unitorm/unitorm/dialect"

	"context"
	"fmt"
	"reflect"

	"github.com/unitorm/unitorm/internal/populate"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// Strategy says how populate loads relations.
type Strategy int

const (
	// SelectIn runs one query per relation level with IN lists (default).
	SelectIn Strategy = iota
	// Joined loads the roots and every populated path in one query with
	// LEFT JOINs; limit and offset still count root entities.
	Joined
)

const defaultMaxParams = 32766

// arrayParams reports whether key lists bind as one array parameter.
func (m *EntityManager) arrayParams() bool {
	d := m.s.Driver.Dialect()
	return d != nil && d.Has(dialect.ArrayParams)
}

func (m *EntityManager) maxParams() int {
	if d := m.s.Driver.Dialect(); d != nil {
		return d.MaxParams()
	}
	return defaultMaxParams
}

func (q Query[T]) popOpts() populate.Options {
	o := populate.Options{Where: q.popWhere, Refresh: q.refresh, Filter: q.m.populateFilter(q.filters)}
	if len(q.popOrder) > 0 {
		o.OrderBy = map[string][]populate.Order{}
		for path, os := range q.popOrder {
			for _, x := range os {
				o.OrderBy[path] = append(o.OrderBy[path], populate.Order{Prop: x.path, Dir: x.dir})
			}
		}
	}
	return o
}

func (m *EntityManager) populate(ctx context.Context, e *meta.Entity, entries []*uow.Entry, paths []string, o populate.Options) error {
	if lazy, rels := splitLazy(e, paths); lazy != nil {
		if err := m.loadLazy(ctx, e, entries, lazy); err != nil {
			return err
		}
		if len(rels) == 0 {
			return nil
		}
		paths = rels
	}
	o.MaxParams = m.maxParams()
	o.ArrayParams = m.arrayParams()
	o.OnLoad = m.afterLoad
	// A family's rows may be of subtypes with the hook its root lacks.
	o.Hooked = func(e *meta.Entity) bool { return e.InFamily() || hooksOf(e)&hasOnLoad != 0 }
	// Document databases store owning many-to-many relations as key arrays.
	o.ArrayManyToMany = m.s.Driver.Dialect() == nil
	return populate.Run(ctx, m.exec(ctx), m.uow, e, entries, paths, o)
}

// Populate loads relations by path for entities already loaded (all of one
// type, as []*T or individual *T values).
func (m *EntityManager) Populate(ctx context.Context, entities any, paths ...string) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	entries, e, err := m.entriesOf(entities)
	if err != nil || len(entries) == 0 {
		return err
	}
	return m.populate(ctx, e, entries, paths, populate.Options{})
}

// Load loads an unloaded reference in place (a no-op when loaded).
func (m *EntityManager) Load(ctx context.Context, entity any) error {
	return m.LoadAll(ctx, entity)
}

// LoadAll loads unloaded references of one type in place with one query.
func (m *EntityManager) LoadAll(ctx context.Context, entities ...any) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	return m.loadAll(ctx, entities)
}

func (m *EntityManager) loadAll(ctx context.Context, entities []any) error {
	if len(entities) == 0 {
		return nil
	}
	entries, e, err := m.entriesOf(entities)
	if err != nil {
		return err
	}
	var missing []any
	for _, en := range entries {
		if !en.Loaded() {
			v, err := uow.FieldValue(e.PK[0], en.Ptr)
			if err != nil {
				return err
			}
			missing = append(missing, v)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return m.loadByKeys(ctx, e, missing)
}

// Init loads a collection field in place (coll is a pointer to a
// rel.Collection field of a tracked entity, e.g. &author.Books). It is
// Populate of that one relation; a loaded collection costs no query.
func (m *EntityManager) Init(ctx context.Context, coll any) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	target := reflect.ValueOf(coll)
	if target.Kind() != reflect.Pointer || target.IsNil() {
		return fmt.Errorf("unitorm: Init takes a pointer to a collection field, not %T", coll)
	}
	addr := target.UnsafePointer()
	for _, en := range m.uow.IdentityMap().Entries() {
		for _, r := range en.Entity.Relations {
			if r.Prop.Kind.IsToMany() && r.Prop.At.Ptr(en.Ptr) == addr {
				return m.populate(ctx, en.Entity, []*uow.Entry{en}, []string{r.Prop.Name}, populate.Options{})
			}
		}
	}
	return fmt.Errorf("%w: the collection does not belong to an entity of this EntityManager", uow.ErrDetached)
}
