package schema

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

// mysqlInspector reads MySQL's and MariaDB's information_schema, limited to
// DATABASE(). The two report defaults differently (MariaDB quotes string
// literals and writes NULL for none; MySQL 8 gives the bare literal), so the
// server is asked which it is.
type mysqlInspector struct{}

func (mysqlInspector) Tables(ctx context.Context, q Querier) ([]string, error) {
	return queryStrings(ctx, q, `SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`)
}

const myColumns = `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, DATA_TYPE
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION`

const myIndexes = `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`

const myForeignKeys = `SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME,
  k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`

// MariaDB keeps JSON columns as LONGTEXT with a CHECK (json_valid(`col`)).
const mariaJSONChecks = `SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE()`

var jsonValid = regexp.MustCompile("(?i)^json_valid\\(`([^`]+)`\\)$")

func (mysqlInspector) Inspect(ctx context.Context, q Querier, d dialect.Dialect, only []string) (*Schema, error) {
	versions, err := queryStrings(ctx, q, `SELECT VERSION()`)
	if err != nil {
		return nil, err
	}
	maria := len(versions) > 0 && strings.Contains(strings.ToLower(versions[0]), "mariadb")
	jsonCols := map[string]bool{}
	if maria {
		err := queryRows(ctx, q, mariaJSONChecks, func(rows qb.Rows) error {
			var table, clause string
			if err := rows.Scan(&table, &clause); err != nil {
				return err
			}
			if m := jsonValid.FindStringSubmatch(strings.TrimSpace(clause)); m != nil {
				jsonCols[table+"\x00"+m[1]] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	b := newSchemaBuilder(only)
	err = queryRows(ctx, q, myColumns, func(rows qb.Rows) error {
		var table, name, colType, nullable, extra, dataType string
		var def sql.NullString
		if err := rows.Scan(&table, &name, &colType, &nullable, &def, &extra, &dataType); err != nil {
			return err
		}
		t := b.table(table)
		if t == nil {
			return nil
		}
		c := &Column{Name: name, Type: displayWidth.ReplaceAllString(strings.ToLower(colType), "$1"), Nullable: nullable == "YES"}
		if jsonCols[table+"\x00"+name] && strings.EqualFold(dataType, "longtext") {
			c.Type = "json"
		}
		extra = strings.ToLower(extra)
		c.AutoIncrement = strings.Contains(extra, "auto_increment")
		if def.Valid {
			c.Default, c.HasDefault = mysqlDefault(def.String, dataType, extra, maria)
		}
		c.Logical = logicalOf(c.Type, familyMySQL)
		t.Columns = append(t.Columns, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	ixs := map[string]*Index{}
	err = queryRows(ctx, q, myIndexes, func(rows qb.Rows) error {
		var table, name, col string
		var nonUnique int
		if err := rows.Scan(&table, &name, &nonUnique, &col); err != nil {
			return err
		}
		t := b.table(table)
		if t == nil {
			return nil
		}
		if name == "PRIMARY" {
			t.PrimaryKey = append(t.PrimaryKey, col)
			return nil
		}
		key := table + "\x00" + name
		ix := ixs[key]
		if ix == nil {
			ix = &Index{Name: name, Unique: nonUnique == 0}
			ixs[key] = ix
			t.Indexes = append(t.Indexes, ix)
		}
		ix.Columns = append(ix.Columns, col)
		return nil
	})
	if err != nil {
		return nil, err
	}
	fks := map[string]*ForeignKey{}
	err = queryRows(ctx, q, myForeignKeys, func(rows qb.Rows) error {
		var table, name, col, refTable, refCol, onDel, onUpd string
		if err := rows.Scan(&table, &name, &col, &refTable, &refCol, &onDel, &onUpd); err != nil {
			return err
		}
		t := b.table(table)
		if t == nil {
			return nil
		}
		key := table + "\x00" + name
		fk := fks[key]
		if fk == nil {
			fk = &ForeignKey{Name: name, RefTable: refTable, OnDelete: mysqlAction(onDel), OnUpdate: mysqlAction(onUpd)}
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
	s := b.finish()
	if maria {
		return s, readChecks(ctx, q, s, mariaChecks)
	}
	return s, readChecks(ctx, q, s, myChecks)
}

func mysqlAction(a string) string {
	a = strings.ToUpper(a)
	if a == "NO ACTION" || a == "RESTRICT" {
		return "" // InnoDB's default; it reports one or the other
	}
	return a
}

// mysqlDefault turns COLUMN_DEFAULT into a SQL expression.
func mysqlDefault(def, dataType, extra string, maria bool) (string, bool) {
	if maria {
		// MariaDB 10.2.7+: literals quoted, expressions bare, NULL as the word.
		if strings.EqualFold(def, "NULL") {
			return "", false
		}
		return def, true
	}
	// MySQL 8: expressions are marked DEFAULT_GENERATED; literals are bare.
	if strings.Contains(extra, "default_generated") || strings.HasPrefix(strings.ToUpper(def), "CURRENT_TIMESTAMP") {
		return def, true
	}
	if _, err := strconv.ParseFloat(def, 64); err == nil {
		switch strings.ToLower(dataType) {
		case "char", "varchar", "text", "tinytext", "mediumtext", "longtext", "enum", "set":
		default:
			return def, true
		}
	}
	return "'" + strings.ReplaceAll(def, "'", "''") + "'", true
}

func init() {
	RegisterInspector(dialect.MySQL, mysqlInspector{})
	RegisterInspector(dialect.MariaDB, mysqlInspector{})
}
