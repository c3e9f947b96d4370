package schema

import (
	"context"
	"database/sql"
	"regexp"
	"strings"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

// sqliteInspector reads SQLite's sqlite_master and its table pragmas. SQLite
// keeps no names for foreign keys: they are read from the CONSTRAINT clauses
// of the table's CREATE statement, and left empty when it has none.
type sqliteInspector struct{}

func (sqliteInspector) Tables(ctx context.Context, q Querier) ([]string, error) {
	return queryStrings(ctx, q, `SELECT name FROM sqlite_master
WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
}

var (
	sqliteFKName  = regexp.MustCompile("(?is)CONSTRAINT\\s+(\"(?:[^\"]|\"\")+\"|`[^`]+`|\\[[^\\]]+\\]|\\w+)\\s+FOREIGN\\s+KEY\\s*\\(([^)]*)\\)")
	sqliteAutoInc = regexp.MustCompile(`(?i)\bAUTOINCREMENT\b`)
)

func sqliteUnquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 {
		switch {
		case s[0] == '"' && s[len(s)-1] == '"':
			return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
		case s[0] == '`' && s[len(s)-1] == '`', s[0] == '[' && s[len(s)-1] == ']':
			return s[1 : len(s)-1]
		}
	}
	return s
}

func (in sqliteInspector) Inspect(ctx context.Context, q Querier, d dialect.Dialect, only []string) (*Schema, error) {
	b := newSchemaBuilder(only)
	type tableSQL struct{ name, sql string }
	var tables []tableSQL
	err := queryRows(ctx, q, `SELECT name, coalesce(sql, '') FROM sqlite_master
WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`, func(rows qb.Rows) error {
		var t tableSQL
		if err := rows.Scan(&t.name, &t.sql); err != nil {
			return err
		}
		tables = append(tables, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, ts := range tables {
		t := b.table(ts.name)
		if t == nil {
			continue
		}
		if err := in.columns(ctx, q, t, ts.sql); err != nil {
			return nil, err
		}
		if err := in.foreignKeys(ctx, q, t, ts.sql); err != nil {
			return nil, err
		}
		if err := in.indexes(ctx, q, t); err != nil {
			return nil, err
		}
		sqliteChecks(t, ts.sql)
	}
	s := b.finish()
	// A foreign key written without referenced columns refers to the primary key.
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			if len(fk.RefColumns) == 0 || fk.RefColumns[0] == "" {
				if ref := s.Table(fk.RefTable); ref != nil {
					fk.RefColumns = append([]string(nil), ref.PrimaryKey...)
				}
			}
		}
	}
	return s, nil
}

func (sqliteInspector) columns(ctx context.Context, q Querier, t *Table, createSQL string) error {
	type pkCol struct {
		name string
		pos  int
	}
	var pks []pkCol
	err := queryRows(ctx, q, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, func(rows qb.Rows) error {
		var name, typ string
		var notNull, pk int
		var def sql.NullString
		if err := rows.Scan(&name, &typ, &notNull, &def, &pk); err != nil {
			return err
		}
		c := &Column{Name: name, Type: strings.ToLower(typ), Nullable: notNull == 0}
		if def.Valid {
			c.Default, c.HasDefault = def.String, true
		}
		c.Logical = logicalOf(c.Type, familySQLite)
		t.Columns = append(t.Columns, c)
		if pk > 0 {
			pks = append(pks, pkCol{name, pk})
		}
		return nil
	}, t.Name)
	if err != nil {
		return err
	}
	t.PrimaryKey = make([]string, len(pks))
	for _, p := range pks {
		if p.pos-1 < len(pks) {
			t.PrimaryKey[p.pos-1] = p.name
		}
	}
	if len(pks) == 1 && sqliteAutoInc.MatchString(createSQL) {
		if c := t.Column(pks[0].name); c != nil && c.Type == "integer" {
			c.AutoIncrement = true
		}
	}
	return nil
}

func (sqliteInspector) foreignKeys(ctx context.Context, q Querier, t *Table, createSQL string) error {
	names := map[string]string{}
	for _, m := range sqliteFKName.FindAllStringSubmatch(createSQL, -1) {
		var cols []string
		for _, c := range strings.Split(m[2], ",") {
			cols = append(cols, sqliteUnquote(c))
		}
		names[strings.Join(cols, "\x00")] = sqliteUnquote(m[1])
	}
	byID := map[int]*ForeignKey{}
	err := queryRows(ctx, q, `SELECT id, "table", "from", coalesce("to", ''), on_update, on_delete
FROM pragma_foreign_key_list(?) ORDER BY id, seq`, func(rows qb.Rows) error {
		var id int
		var refTable, from, to, onUpd, onDel string
		if err := rows.Scan(&id, &refTable, &from, &to, &onUpd, &onDel); err != nil {
			return err
		}
		fk := byID[id]
		if fk == nil {
			fk = &ForeignKey{RefTable: refTable, OnDelete: sqliteAction(onDel), OnUpdate: sqliteAction(onUpd)}
			byID[id] = fk
			t.ForeignKeys = append(t.ForeignKeys, fk)
		}
		fk.Columns = append(fk.Columns, from)
		if to != "" {
			fk.RefColumns = append(fk.RefColumns, to)
		}
		return nil
	}, t.Name)
	if err != nil {
		return err
	}
	// pragma_foreign_key_list lists the last declared key first.
	for i, j := 0, len(t.ForeignKeys)-1; i < j; i, j = i+1, j-1 {
		t.ForeignKeys[i], t.ForeignKeys[j] = t.ForeignKeys[j], t.ForeignKeys[i]
	}
	for _, fk := range t.ForeignKeys {
		fk.Name = names[strings.Join(fk.Columns, "\x00")]
	}
	return nil
}

func sqliteAction(a string) string {
	a = strings.ToUpper(a)
	if a == "NO ACTION" {
		return ""
	}
	return a
}

func (sqliteInspector) indexes(ctx context.Context, q Querier, t *Table) error {
	type idx struct {
		name   string
		unique bool
		origin string
	}
	var list []idx
	err := queryRows(ctx, q, `SELECT name, "unique", origin FROM pragma_index_list(?) ORDER BY name`, func(rows qb.Rows) error {
		var x idx
		var unique int
		if err := rows.Scan(&x.name, &unique, &x.origin); err != nil {
			return err
		}
		x.unique = unique != 0
		list = append(list, x)
		return nil
	}, t.Name)
	if err != nil {
		return err
	}
	for _, x := range list {
		if x.origin == "pk" {
			continue
		}
		cols, err := queryStrings(ctx, q, `SELECT coalesce(name, '') FROM pragma_index_info(?) ORDER BY seqno`, x.name)
		if err != nil {
			return err
		}
		t.Indexes = append(t.Indexes, &Index{Name: x.name, Columns: cols, Unique: x.unique, Constraint: x.origin == "u"})
	}
	return nil
}

func init() { RegisterInspector(dialect.SQLite, sqliteInspector{}) }
