package schema

import (
	"github.com/unitorm/unitorm/internal/sqltype"

	"fmt"
	"hash/fnv"
	"slices"
	"strconv"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/meta"
)

// Option configures how a schema is built, rendered or run.
type Option func(*options)

type options struct {
	naming      meta.NamingStrategy
	ifNotExists bool
	ifExists    bool
	safe        bool
	ignore      []string
}

func newOptions(opts []Option) options {
	o := options{naming: meta.UnderscoreNaming{}}
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// IfNotExists writes CREATE TABLE / CREATE INDEX ... IF NOT EXISTS; the
// Create runner then also leaves tables that already exist alone.
func IfNotExists() Option { return func(o *options) { o.ifNotExists = true } }

// IfExists writes DROP TABLE IF EXISTS.
func IfExists() Option { return func(o *options) { o.ifExists = true } }

// WithNaming names generated foreign keys and foreign-key indexes with n's
// IndexName (kinds "foreign" and "index"); the default is
// meta.UnderscoreNaming, which gives book_author_id_foreign and
// book_author_id_index. Use the registry's strategy: WithNaming(reg.Naming()).
func WithNaming(n meta.NamingStrategy) Option {
	return func(o *options) {
		if n != nil {
			o.naming = n
		}
	}
}

// maxIdent is the longest name every supported database keeps whole
// (PostgreSQL truncates at 63 bytes).
const maxIdent = 63

// shortName keeps names within maxIdent bytes: a longer one becomes a
// prefix, an underscore and 8 hex digits of its hash.
func shortName(name string) string {
	if len(name) <= maxIdent {
		return name
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	sum := strconv.FormatUint(uint64(h.Sum32()), 16)
	for len(sum) < 8 {
		sum = "0" + sum
	}
	return name[:maxIdent-9] + "_" + sum
}

// Build returns the schema the entities need on dialect d: their tables and
// the pivot tables of their owning many-to-many relations, in the order given
// (pivots after their owner). Foreign keys to entities not in the list still
// refer to their tables.
func Build(entities []*meta.Entity, d dialect.Dialect, opts ...Option) (*Schema, error) {
	o := newOptions(opts)
	s := &Schema{}
	seen := map[string]string{}
	add := func(t *Table, what string) error {
		if other, ok := seen[t.Name]; ok {
			return fmt.Errorf("%w: %q is used by %s and %s", ErrDuplicateTable, t.Name, other, what)
		}
		seen[t.Name] = what
		s.Tables = append(s.Tables, t)
		return nil
	}
	for _, e := range entities {
		if e == nil || e.Parent != nil {
			continue // a single-table subtype lives in its root's table
		}
		if err := add(entityTable(e, d, o), "entity "+e.Name); err != nil {
			return nil, err
		}
	}
	for _, e := range entities {
		if e == nil {
			continue
		}
		for _, r := range e.Relations {
			if r.Kind != meta.ManyToMany || !r.Owning || r.Pivot == nil || r.Pivot.Owner != e {
				continue
			}
			if err := add(pivotTable(r.Pivot, d, o), "pivot of "+e.Name+"."+r.Prop.Field); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// entityTable is e's table; for a single-table family root it holds every
// member's columns (TableColumns), indexes and foreign keys.
func entityTable(e *meta.Entity, d dialect.Dialect, o options) *Table {
	t := &Table{Name: e.Table, Entity: e.Name}
	indexed := map[string]bool{}
	for _, c := range e.Columns {
		if c.PK {
			t.PrimaryKey = append(t.PrimaryKey, c.Name)
			indexed[c.Name] = true
		}
	}
	members := append([]*meta.Entity{e}, e.Subtypes...)
	seenIx, seenFK := map[string]bool{}, map[string]bool{}
	for _, m := range members {
		for _, ix := range m.Indexes {
			if seenIx[ix.Name] {
				continue
			}
			seenIx[ix.Name] = true
			t.Indexes = append(t.Indexes, &Index{Name: shortName(ix.Name), Columns: slices.Clone(ix.Columns), Unique: ix.Unique})
			for _, c := range ix.Columns {
				indexed[c] = true
			}
		}
	}
	var rels []*meta.Relation
	for _, m := range members {
		rels = append(rels, m.Relations...)
	}
	for _, r := range rels {
		if !r.Owning || r.Kind.IsToMany() || r.Target == nil || len(r.JoinColumns) == 0 {
			continue
		}
		if name := o.naming.IndexName(t.Name, r.JoinColumns, "foreign"); seenFK[name] {
			continue
		} else {
			seenFK[name] = true
		}
		fk := &ForeignKey{
			Name:       shortName(o.naming.IndexName(t.Name, r.JoinColumns, "foreign")),
			Columns:    slices.Clone(r.JoinColumns),
			RefTable:   r.Target.Table,
			RefColumns: slices.Clone(r.ReferencedColumns),
			OnDelete:   r.OnDelete.SQL(),
			OnUpdate:   r.OnUpdate.SQL(),
		}
		t.ForeignKeys = append(t.ForeignKeys, fk)
		for _, c := range fk.Columns {
			indexed[c] = true
		}
	}
	for _, c := range e.TableColumns {
		if c.IsFormula() {
			continue // computed by each select, not stored
		}
		t.Columns = append(t.Columns, column(d, c, indexed[c.Name]))
	}
	addFKIndexes(t, o)
	seenCk := map[string]bool{}
	for _, m := range members {
		for _, ck := range enumChecks(m) {
			if !seenCk[ck.Name] {
				seenCk[ck.Name] = true
				t.Checks = append(t.Checks, ck)
			}
		}
	}
	return t
}

func pivotTable(p *meta.Pivot, d dialect.Dialect, o options) *Table {
	t := &Table{Name: p.Table, Pivot: true}
	for _, c := range p.Columns() {
		col := column(d, c, true)
		col.Nullable, col.AutoIncrement, col.HasDefault, col.Default = false, false, false, ""
		t.Columns = append(t.Columns, col)
		t.PrimaryKey = append(t.PrimaryKey, c.Name)
	}
	side := func(cols []*meta.Column, target *meta.Entity) *ForeignKey {
		names := make([]string, len(cols))
		refs := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.Name
			refs[i] = c.Ref.Column
		}
		return &ForeignKey{
			Name:    shortName(o.naming.IndexName(t.Name, names, "foreign")),
			Columns: names, RefTable: target.Table, RefColumns: refs,
			OnDelete: meta.ActionCascade.SQL(),
		}
	}
	t.ForeignKeys = []*ForeignKey{side(p.JoinColumns, p.Owner), side(p.InverseJoinColumns, p.Target)}
	addFKIndexes(t, o)
	return t
}

// column is the schema column of a metadata column.
func column(d dialect.Dialect, c *meta.Column, indexed bool) *Column {
	col := &Column{
		Name: c.Name, Nullable: c.Nullable, AutoIncrement: c.AutoIncrement,
		Default: c.Default, HasDefault: c.HasDefault,
	}
	col.Type, col.Logical = sqltype.Of(d, c, indexed)
	return col
}

// addFKIndexes gives every foreign key a plain index unless the primary key
// or another index already starts with its columns.
func addFKIndexes(t *Table, o options) {
	for _, fk := range t.ForeignKeys {
		if hasPrefix(t.PrimaryKey, fk.Columns) {
			continue
		}
		covered := false
		for _, ix := range t.Indexes {
			if hasPrefix(ix.Columns, fk.Columns) {
				covered = true
				break
			}
		}
		if !covered {
			t.Indexes = append(t.Indexes, &Index{
				Name:    shortName(o.naming.IndexName(t.Name, fk.Columns, "index")),
				Columns: slices.Clone(fk.Columns),
			})
		}
	}
}

func hasPrefix(cols, prefix []string) bool {
	return len(cols) >= len(prefix) && slices.Equal(cols[:len(prefix)], prefix)
}
