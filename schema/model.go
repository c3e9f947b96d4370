package schema

import (
	"slices"

	"github.com/unitorm/unitorm/dialect"
)

// Schema is the set of tables of one database namespace, as one dialect
// sees them. It is built from metadata ([Build]) or read from a live
// database ([Inspect]).
type Schema struct {
	Tables []*Table
}

// Table finds a table by name.
func (s *Schema) Table(name string) *Table {
	for _, t := range s.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// TableNames returns the names of the tables in order.
func (s *Schema) TableNames() []string {
	out := make([]string, len(s.Tables))
	for i, t := range s.Tables {
		out[i] = t.Name
	}
	return out
}

// Table is one table: columns in order, primary key, foreign keys and
// indexes (unique and plain).
type Table struct {
	Name       string
	Columns    []*Column
	PrimaryKey []string
	// PKName is the primary key's constraint name when read from a database
	// that names it (PostgreSQL: <table>_pkey); "" otherwise.
	PKName      string
	ForeignKeys []*ForeignKey
	Indexes     []*Index
	// Entity is the Go type name of the entity the table maps, "" for a pivot
	// table or a table read from a database.
	Entity string
	// Pivot is true for the join table of a many-to-many relation.
	Pivot bool
	// Checks are the CHECK constraints unitorm manages (enum values).
	Checks []*Check
}

// Column finds a column by name.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// ForeignKey finds a foreign key by name.
func (t *Table) ForeignKey(name string) *ForeignKey {
	for _, fk := range t.ForeignKeys {
		if fk.Name == name {
			return fk
		}
	}
	return nil
}

// Index finds an index by name.
func (t *Table) Index(name string) *Index {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

// IsPK reports whether column is part of the primary key.
func (t *Table) IsPK(column string) bool { return slices.Contains(t.PrimaryKey, column) }

// Column is one column of a table.
type Column struct {
	Name string
	// Type is the column's SQL type as the dialect writes it (varchar(255),
	// bigint, timestamptz, ...), without NOT NULL or DEFAULT.
	Type string
	// Logical is the logical type the SQL type came from, when known
	// (TypeUnknown for a verbatim type= or a type read from a database that
	// does not map back to one).
	Logical       dialect.Type
	Nullable      bool
	AutoIncrement bool
	// Default is the SQL expression of the column's default; HasDefault says
	// whether there is one.
	Default    string
	HasDefault bool
}

// ForeignKey is a foreign-key constraint of a table.
type ForeignKey struct {
	Name       string
	Columns    []string
	RefTable   string
	RefColumns []string
	// OnDelete and OnUpdate are the referential actions in SQL words
	// (CASCADE, SET NULL, RESTRICT, NO ACTION, SET DEFAULT); "" is the
	// database's default (NO ACTION).
	OnDelete string
	OnUpdate string
}

// Index is a unique or plain index of a table.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
	// Constraint is true for the index behind a UNIQUE constraint (read from
	// PostgreSQL or SQLite), which is dropped as a constraint, not an index.
	Constraint bool
}

// Clone returns a deep copy of s.
func (s *Schema) Clone() *Schema {
	out := &Schema{Tables: make([]*Table, len(s.Tables))}
	for i, t := range s.Tables {
		out.Tables[i] = t.Clone()
	}
	return out
}

// Clone returns a deep copy of t.
func (t *Table) Clone() *Table {
	c := *t
	c.Columns = make([]*Column, len(t.Columns))
	for i, col := range t.Columns {
		cc := *col
		c.Columns[i] = &cc
	}
	c.PrimaryKey = slices.Clone(t.PrimaryKey)
	c.ForeignKeys = make([]*ForeignKey, len(t.ForeignKeys))
	for i, fk := range t.ForeignKeys {
		f := *fk
		f.Columns, f.RefColumns = slices.Clone(fk.Columns), slices.Clone(fk.RefColumns)
		c.ForeignKeys[i] = &f
	}
	c.Checks = make([]*Check, len(t.Checks))
	for i, ck := range t.Checks {
		x := *ck
		x.Values = slices.Clone(ck.Values)
		c.Checks[i] = &x
	}
	c.Indexes = make([]*Index, len(t.Indexes))
	for i, ix := range t.Indexes {
		x := *ix
		x.Columns = slices.Clone(ix.Columns)
		c.Indexes[i] = &x
	}
	return &c
}
