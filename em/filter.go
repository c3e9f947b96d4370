package em

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Filters (MikroORM's @Filter): named conditions ANDed into the queries of
// the entities they apply to. A filter is declared once in Config.Filters,
// is on or off by default, and is switched and given arguments per
// EntityManager (EnableFilter, DisableFilter; a Fork inherits the settings)
// and per call (WithFilter, WithoutFilter, WithoutFilters, WithDeleted).
//
// They apply to Find, FindAll, FindOne, FindAndCount, Count and the query
// builder (QB), to the to-many relations populate loads (select-in and
// joined), and to NativeUpdate and NativeDelete (EntityManager settings only).
// To-one relations are loaded by key without filters: a key held by a loaded
// row names that row, and hiding it would leave a dangling reference.
//
// Identity Map rule: FindOne by primary key returns the managed instance
// without a query when no filter applies to the entity in that call, or when
// the instance was last loaded by a query under the same
// filters and arguments. Otherwise it queries, and returns nil when the row
// does not pass the filters (the managed instance is never dropped).

// SoftDeleteFilter is the name of the filter that hides soft-deleted rows.
// It is added, on by default, when an entity has a softDelete property and
// Config.Filters declares no filter of that name.
const SoftDeleteFilter = "softDelete"

var (
	// ErrUnknownFilter is returned for a filter name not declared in
	// Config.Filters.
	ErrUnknownFilter = errors.New("unitorm: unknown filter")
	// ErrInvalidFilter is returned by New for a filter declaration that
	// cannot work (no name, no condition, a name used twice, an entity not
	// registered).
	ErrInvalidFilter = errors.New("unitorm: invalid filter")
)

// Filter is a named condition applied to the queries of some entities.
type Filter struct {
	// Name identifies the filter in EnableFilter, WithFilter, ...
	Name string
	// Entities limits the filter to these entity types (struct values or
	// pointers, as in Config.Entities); empty means every entity for which
	// Cond returns a condition.
	Entities []any
	// Cond returns the condition for entity e given the arguments (the
	// declared Args, overridden by the EntityManager's, overridden by the
	// call's). It names e's own properties (qb.Cond{"tenantId": args["id"]});
	// a nil condition means the filter does not apply to e. An error (a
	// missing argument, ...) fails the query before anything runs.
	Cond func(e *meta.Entity, args map[string]any) (qb.Condition, error)
	// Default turns the filter on unless an EntityManager or a call turns it
	// off.
	Default bool
	// Args are default arguments.
	Args map[string]any
}

// FilterError is a filter that failed to build its condition for an entity.
type FilterError struct {
	Filter string
	Entity string
	Err    error
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("unitorm: filter %q on %s: %v", e.Filter, e.Entity, e.Err)
}

func (e *FilterError) Unwrap() error { return e.Err }

// filterDef is a checked Filter with its entity set resolved.
type filterDef struct {
	Filter
	only map[*meta.Entity]bool // nil: every entity
}

// filterSet is the ORM's declared filters, in declaration order.
type filterSet struct {
	defs   []*filterDef
	byName map[string]*filterDef
}

// buildFilters checks the declarations and adds the soft-delete filter.
func buildFilters(reg *meta.Registry, decl []Filter) (filterSet, error) {
	fs := filterSet{byName: map[string]*filterDef{}}
	var bad []error
	for i, f := range decl {
		switch {
		case f.Name == "":
			bad = append(bad, fmt.Errorf("%w: Filters[%d] has no name", ErrInvalidFilter, i))
			continue
		case f.Cond == nil:
			bad = append(bad, fmt.Errorf("%w: %q has no Cond", ErrInvalidFilter, f.Name))
			continue
		case fs.byName[f.Name] != nil:
			bad = append(bad, fmt.Errorf("%w: %q declared twice", ErrInvalidFilter, f.Name))
			continue
		}
		d := &filterDef{Filter: f}
		if len(f.Entities) > 0 {
			d.only = map[*meta.Entity]bool{}
			for _, v := range f.Entities {
				e, err := reg.EntityOf(v)
				if err != nil {
					bad = append(bad, fmt.Errorf("%w: %q: %w", ErrInvalidFilter, f.Name, err))
					continue
				}
				d.only[e] = true
			}
		}
		fs.defs = append(fs.defs, d)
		fs.byName[f.Name] = d
	}
	if fs.byName[SoftDeleteFilter] == nil && slices.ContainsFunc(reg.Entities(), func(e *meta.Entity) bool { return e.SoftDelete != nil }) {
		d := &filterDef{Filter: Filter{Name: SoftDeleteFilter, Default: true, Cond: notDeleted}}
		fs.defs = append(fs.defs, d)
		fs.byName[SoftDeleteFilter] = d
	}
	return fs, errors.Join(bad...)
}

// notDeleted is the soft-delete filter's condition: the softDelete
// property is NULL.
func notDeleted(e *meta.Entity, _ map[string]any) (qb.Condition, error) {
	if e.SoftDelete == nil {
		return nil, nil
	}
	return qb.Cond{e.SoftDelete.Name: nil}, nil
}

// filterSetting turns a filter on or off with arguments (EntityManager
// settings and per-call options). all turns every filter off.
type filterSetting struct {
	name string
	on   bool
	all  bool
	args map[string]any
}

// EnableFilter turns a filter on for this EntityManager's queries, with
// arguments merged over the declared ones (nil for none).
func (m *EntityManager) EnableFilter(name string, args map[string]any) error {
	return m.setFilter(filterSetting{name: name, on: true, args: args})
}

// DisableFilter turns a filter off for this EntityManager's queries.
func (m *EntityManager) DisableFilter(name string) error {
	return m.setFilter(filterSetting{name: name})
}

func (m *EntityManager) setFilter(s filterSetting) error {
	entered, err := m.enter()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	if m.s.filters.byName[s.name] == nil {
		return fmt.Errorf("%w: %q", ErrUnknownFilter, s.name)
	}
	if m.filters == nil {
		m.filters = map[string]filterSetting{}
	}
	s.args = maps.Clone(s.args)
	m.filters[s.name] = s
	return nil
}

// WithFilter turns a filter on for one call, with arguments merged over
// the declared and the EntityManager's.
func WithFilter(name string, args map[string]any) FindOption {
	return func(o *findOpts) {
		o.filters = append(o.filters, filterSetting{name: name, on: true, args: maps.Clone(args)})
	}
}

// WithoutFilter turns filters off for one call.
func WithoutFilter(names ...string) FindOption {
	return func(o *findOpts) {
		for _, n := range names {
			o.filters = append(o.filters, filterSetting{name: n})
		}
	}
}

// WithoutFilters turns every filter off for one call (a WithFilter after it
// turns that one back on).
func WithoutFilters() FindOption {
	return func(o *findOpts) { o.filters = append(o.filters, filterSetting{all: true}) }
}

// WithDeleted shows soft-deleted rows in one call: WithoutFilter(SoftDeleteFilter).
func WithDeleted() FindOption { return WithoutFilter(SoftDeleteFilter) }

// Filter turns a filter on for this query (see WithFilter).
func (q Query[T]) Filter(name string, args map[string]any) Query[T] {
	WithFilter(name, args)(&q.findOpts)
	return q
}

// WithoutFilter turns filters off for this query.
func (q Query[T]) WithoutFilter(names ...string) Query[T] {
	WithoutFilter(names...)(&q.findOpts)
	return q
}

// activeFilters returns the conditions of the filters on for entity e in a
// call with the options call, and a signature of them (filter names and
// arguments) for the identity-map rule; "" when none applies.
func (m *EntityManager) activeFilters(e *meta.Entity, call []filterSetting) ([]qb.Condition, string, error) {
	for _, c := range call {
		if !c.all && m.s.filters.byName[c.name] == nil {
			return nil, "", fmt.Errorf("%w: %q", ErrUnknownFilter, c.name)
		}
	}
	var conds []qb.Condition
	var sig strings.Builder
	for _, d := range m.s.filters.defs {
		if d.only != nil && !d.only[e] {
			continue
		}
		on, args := d.Default, maps.Clone(d.Args)
		apply := func(s filterSetting) {
			switch {
			case s.all:
				on = false
			case s.name == d.Name:
				on = s.on
				if args == nil && len(s.args) > 0 {
					args = map[string]any{}
				}
				maps.Copy(args, s.args)
			}
		}
		if s, ok := m.filters[d.Name]; ok {
			apply(s)
		}
		for _, s := range call {
			apply(s)
		}
		if !on {
			continue
		}
		if args == nil {
			args = map[string]any{}
		}
		c, err := d.Cond(e, args)
		if err != nil {
			return nil, "", &FilterError{Filter: d.Name, Entity: e.Name, Err: err}
		}
		if c == nil || (reflect.ValueOf(c).Kind() == reflect.Map && reflect.ValueOf(c).Len() == 0) {
			continue
		}
		conds = append(conds, c)
		fmt.Fprintf(&sig, "%q", d.Name)
		for _, k := range slices.Sorted(maps.Keys(args)) {
			fmt.Fprintf(&sig, " %q=%#v", k, args[k])
		}
		sig.WriteByte(';')
	}
	return conds, sig.String(), nil
}

// filteredWhere ANDs the active filters of e into where.
func (m *EntityManager) filteredWhere(e *meta.Entity, where qb.Condition, call []filterSetting) (qb.Condition, error) {
	conds, _, err := m.activeFilters(e, call)
	if err != nil || len(conds) == 0 {
		return where, err
	}
	if where != nil {
		conds = append([]qb.Condition{where}, conds...)
	}
	if len(conds) == 1 {
		return conds[0], nil
	}
	return qb.And(conds...), nil
}

// noteFiltered records the filter signature entries were loaded under.
func (m *EntityManager) noteFiltered(entries []*uow.Entry, sig string) {
	if sig == "" && len(m.loadedUnder) == 0 {
		return
	}
	if m.loadedUnder == nil {
		m.loadedUnder = map[*uow.Entry]string{}
	}
	for _, en := range entries {
		if sig == "" {
			delete(m.loadedUnder, en)
		} else {
			m.loadedUnder[en] = sig
		}
	}
}

// hitAllowed applies the identity-map rule to a FindOne by key.
func (m *EntityManager) hitAllowed(e *meta.Entity, en *uow.Entry, call []filterSetting) bool {
	_, sig, err := m.activeFilters(e, call)
	if err != nil {
		return false // the query reports it
	}
	return sig == "" || m.loadedUnder[en] == sig
}

// populateFilter is populate.Options.Filter: the active filters of each
// target entity (populate loads are not recorded for the identity-map rule).
func (m *EntityManager) populateFilter(call []filterSetting) func(*meta.Entity) (qb.Condition, error) {
	return func(e *meta.Entity) (qb.Condition, error) {
		conds, _, err := m.activeFilters(e, call)
		switch {
		case err != nil || len(conds) == 0:
			return nil, err
		case len(conds) == 1:
			return conds[0], nil
		}
		return qb.And(conds...), nil
	}
}

// notesFiltered reports whether a load of e under the call's filters
// records its entries (see noteFiltered).
func (m *EntityManager) notesFiltered(e *meta.Entity, call []filterSetting) bool {
	if len(m.loadedUnder) > 0 {
		return true
	}
	_, sig, err := m.activeFilters(e, call)
	return err == nil && sig != ""
}

// noteFiltered records the filters the query's root entities were loaded
// under (see the identity-map rule).
func (q Query[T]) noteFiltered(entries []*uow.Entry) {
	if _, sig, err := q.m.activeFilters(q.e, q.filters); err == nil {
		q.m.noteFiltered(entries, sig)
	}
}
