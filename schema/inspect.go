package schema

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

// Inspect reads the live schema of db: the base tables of its current
// schema (PostgreSQL), database (MySQL, MariaDB) or file (SQLite), sorted by
// name, with columns in their order, primary keys, foreign keys and indexes.
func Inspect(ctx context.Context, db DB) (*Schema, error) {
	in, err := InspectorFor(db.Dialect())
	if err != nil {
		return nil, err
	}
	return in.Inspect(ctx, db, db.Dialect(), nil)
}

// schemaBuilder collects tables by name while an inspector reads rows.
type schemaBuilder struct {
	only   map[string]bool // nil: every table
	tables map[string]*Table
}

func newSchemaBuilder(only []string) *schemaBuilder {
	b := &schemaBuilder{tables: map[string]*Table{}}
	if only != nil {
		b.only = map[string]bool{}
		for _, n := range only {
			b.only[n] = true
		}
	}
	return b
}

// table returns the table named name, creating it; nil when it is not one
// of the tables asked for.
func (b *schemaBuilder) table(name string) *Table {
	if b.only != nil && !b.only[name] {
		return nil
	}
	t := b.tables[name]
	if t == nil {
		t = &Table{Name: name}
		b.tables[name] = t
	}
	return t
}

// finish returns the schema with tables sorted by name; primary-key columns
// are never nullable.
func (b *schemaBuilder) finish() *Schema {
	s := &Schema{}
	for _, t := range b.tables {
		for _, c := range t.Columns {
			if t.IsPK(c.Name) {
				c.Nullable = false
			}
		}
		s.Tables = append(s.Tables, t)
	}
	slices.SortFunc(s.Tables, func(a, b *Table) int { return strings.Compare(a.Name, b.Name) })
	return s
}

// queryRows runs a query and calls fn for each row.
func queryRows(ctx context.Context, q Querier, query string, fn func(qb.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("schema: inspect: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("schema: inspect: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("schema: inspect: %w", err)
	}
	return nil
}

var typeArgs = regexp.MustCompile(`^([a-z ]+?)\s*(?:\((\d+)(?:,\s*(\d+))?\))?(\s+unsigned)?$`)

// TypeInfo is what a SQL type says in logical terms.
type TypeInfo struct {
	Logical   dialect.Type
	Length    int // varchar(n)
	Precision int // decimal(p,s), timestamp(p)
	Scale     int
	Unsigned  bool
}

// ParseType reads a SQL type as a database reports it (after the
// inspector's clean-up) into a logical type with its parameters;
// TypeUnknown when it maps to none. MySQL's tinyint(1) is a bool.
func ParseType(sqlType string) TypeInfo {
	k := strings.ToLower(strings.TrimSpace(sqlType))
	m := typeArgs.FindStringSubmatch(k)
	if m == nil {
		return TypeInfo{}
	}
	name := strings.TrimSpace(m[1])
	a1, _ := strconv.Atoi(m[2])
	a2, _ := strconv.Atoi(m[3])
	ti := TypeInfo{Unsigned: m[4] != ""}
	switch name {
	case "boolean", "bool":
		ti.Logical = dialect.TypeBool
	case "tinyint":
		ti.Logical = dialect.TypeInt16
		if a1 == 1 {
			ti.Logical = dialect.TypeBool
		}
	case "smallint", "int2":
		ti.Logical = dialect.TypeInt16
	case "int", "integer", "int4", "mediumint":
		ti.Logical = dialect.TypeInt32
	case "bigint", "int8":
		ti.Logical = dialect.TypeInt64
	case "real", "float", "float4":
		ti.Logical = dialect.TypeFloat32
	case "double", "double precision", "float8":
		ti.Logical = dialect.TypeFloat64
	case "numeric", "decimal":
		ti.Logical, ti.Precision, ti.Scale = dialect.TypeDecimal, a1, a2
	case "varchar", "character varying", "nvarchar":
		ti.Logical, ti.Length = dialect.TypeString, a1
	case "char", "character":
		ti.Logical, ti.Length = dialect.TypeString, a1
		if a1 == 36 {
			ti.Logical, ti.Length = dialect.TypeUUID, 0
		}
	case "text", "longtext", "mediumtext", "tinytext", "clob":
		ti.Logical = dialect.TypeText
	case "bytea", "blob", "longblob", "mediumblob", "tinyblob", "varbinary", "binary":
		ti.Logical = dialect.TypeBytes
	case "timestamptz", "timestamp", "datetime", "timestamp with time zone", "timestamp without time zone":
		ti.Logical, ti.Precision = dialect.TypeTime, a1
	case "date":
		ti.Logical = dialect.TypeDate
	case "uuid":
		ti.Logical = dialect.TypeUUID
	case "json", "jsonb":
		ti.Logical = dialect.TypeJSON
	}
	return ti
}

// logicalOf is the logical type of an inspected column type, used to
// render auto-increment columns; SQLite's integer is a 64-bit integer.
func logicalOf(sqlType string, f typeFamily) dialect.Type {
	t := ParseType(sqlType).Logical
	if f == familySQLite && t == dialect.TypeInt32 {
		return dialect.TypeInt64
	}
	return t
}
