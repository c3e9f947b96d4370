package schema

import (
	"context"
	"database/sql"
	"strings"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

// pgInspector reads PostgreSQL's catalog, limited to current_schema().
type pgInspector struct{}

func (pgInspector) Tables(ctx context.Context, q Querier) ([]string, error) {
	return queryStrings(ctx, q, `SELECT c.relname FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
ORDER BY c.relname`)
}

const pgColumns = `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
  pg_get_expr(d.adbin, d.adrelid), a.attidentity::text
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum`

const pgConstraints = `SELECT cl.relname, con.conname, con.contype::text, a.attname,
  coalesce(rc.relname, ''), coalesce(ra.attname, ''), con.confdeltype::text, con.confupdtype::text
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class cl ON cl.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[k.ord]
WHERE n.nspname = current_schema() AND con.contype IN ('p', 'f')
ORDER BY cl.relname, con.conname, k.ord`

const pgIndexes = `SELECT t.relname, i.relname, ix.indisunique,
  EXISTS (SELECT 1 FROM pg_catalog.pg_constraint uc WHERE uc.conindid = ix.indexrelid AND uc.contype = 'u'),
  a.attname
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class t ON t.oid = ix.indrelid
JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE n.nspname = current_schema() AND NOT ix.indisprimary AND t.relkind IN ('r', 'p')
ORDER BY t.relname, i.relname, k.ord`

var pgActions = map[string]string{"a": "", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

func (pgInspector) Inspect(ctx context.Context, q Querier, d dialect.Dialect, only []string) (*Schema, error) {
	b := newSchemaBuilder(only)
	err := queryRows(ctx, q, pgColumns, func(rows qb.Rows) error {
		var table, name, typ, identity string
		var notNull bool
		var def sql.NullString
		if err := rows.Scan(&table, &name, &typ, &notNull, &def, &identity); err != nil {
			return err
		}
		t := b.table(table)
		if t == nil {
			return nil
		}
		c := &Column{Name: name, Type: pgTypeName(typ), Nullable: !notNull}
		switch {
		case identity == "a" || identity == "d":
			c.AutoIncrement = true
		case def.Valid && strings.HasPrefix(def.String, "nextval("):
			c.AutoIncrement = true // serial
		case def.Valid:
			c.Default, c.HasDefault = def.String, true
		}
		c.Logical = logicalOf(c.Type, familyPostgres)
		t.Columns = append(t.Columns, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	fks := map[string]*ForeignKey{}
	err = queryRows(ctx, q, pgConstraints, func(rows qb.Rows) error {
		var table, name, typ, col, refTable, refCol, onDel, onUpd string
		if err := rows.Scan(&table, &name, &typ, &col, &refTable, &refCol, &onDel, &onUpd); err != nil {
			return err
		}
		t := b.table(table)
		if t == nil {
			return nil
		}
		if typ == "p" {
			t.PKName = name
			t.PrimaryKey = append(t.PrimaryKey, col)
			return nil
		}
		key := table + "\x00" + name
		fk := fks[key]
		if fk == nil {
			fk = &ForeignKey{Name: name, RefTable: refTable, OnDelete: pgActions[onDel], OnUpdate: pgActions[onUpd]}
			fks[key] = fk
			t.ForeignKeys = append(t.ForeignKeys, fk)
		}
		fk.Columns = append(fk.Columns, col)
		fk.RefColumns = append(fk.RefColumns, refCol)
		return nil
	})
	if err != nil {
		return nil, err
	}
	ixs := map[string]*Index{}
	err = queryRows(ctx, q, pgIndexes, func(rows qb.Rows) error {
		var table, name, col string
		var unique, constraint bool
		if err := rows.Scan(&table, &name, &unique, &constraint, &col); err != nil {
			return err
		}
		t := b.table(table)
		if t == nil {
			return nil
		}
		key := table + "\x00" + name
		ix := ixs[key]
		if ix == nil {
			ix = &Index{Name: name, Unique: unique, Constraint: constraint}
			ixs[key] = ix
			t.Indexes = append(t.Indexes, ix)
		}
		ix.Columns = append(ix.Columns, col)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s := b.finish()
	return s, readChecks(ctx, q, s, pgChecks)
}

func init() { RegisterInspector(dialect.Postgres, pgInspector{}) }
