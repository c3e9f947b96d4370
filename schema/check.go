package schema

import (
	"context"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Enum properties (tag enum=a|b|c) get a CHECK constraint on every SQL
// database: CHECK ("status" IN ('draft', 'published')). A CHECK rather than
// PostgreSQL's CREATE TYPE ... AS ENUM or MySQL's ENUM(...) column type
// keeps one shape on all four databases (SQLite has no enum type), keeps the
// column's type the plain varchar or integer the Go field maps to, and lets
// the value set change with a DROP/ADD of one constraint instead of ALTER
// TYPE (which PostgreSQL cannot undo) or a column rewrite.
//
// The constraint's name is <table>_<column>_enum_<8 hex digits of a hash of
// the values>, so a changed value set is a changed name: the diff drops the
// old constraint and adds the new one (SQLite rebuilds the table). Only
// CHECK constraints named that way are unitorm's; others found in a
// database are left alone.

// Check is a CHECK constraint unitorm manages: an enum column's values.
type Check struct {
	Name   string
	Column string
	// Values are the allowed values as stored (strings, or integers in
	// decimal when Numeric). Read from a database they are parsed from Expr,
	// best effort.
	Values  []string
	Numeric bool
	// Expr is the constraint's expression as a database reports it ("" for
	// one built from metadata).
	Expr string
}

// Check finds a check constraint by name.
func (t *Table) Check(name string) *Check {
	for _, c := range t.Checks {
		if c.Name == name {
			return c
		}
	}
	return nil
}

var ownCheck = regexp.MustCompile(`_enum_[0-9a-f]{8}$`)

// enumCheckName names the check of column with values.
func enumCheckName(table, column string, values []string) string {
	h := fnv.New32a()
	h.Write([]byte(strings.Join(values, "\x00")))
	sum := strconv.FormatUint(uint64(h.Sum32()), 16)
	for len(sum) < 8 {
		sum = "0" + sum
	}
	base := table + "_" + column
	if len(base) > maxIdent-14 {
		base = base[:maxIdent-14]
	}
	return base + "_enum_" + sum
}

// enumChecks are the checks of e's enum properties.
func enumChecks(e *meta.Entity) []*Check {
	var out []*Check
	for _, c := range e.Columns {
		p := c.Prop
		if p == nil || p.Kind != meta.Scalar || p.Enum == nil {
			continue
		}
		out = append(out, &Check{
			Name: enumCheckName(e.Table, c.Name, p.Enum), Column: c.Name,
			Values: append([]string(nil), p.Enum...), Numeric: p.ColumnType != meta.TypeString,
		})
	}
	return out
}

// checkClause renders CONSTRAINT name CHECK (column IN (values)).
func (s style) checkClause(c *Check) string {
	var b strings.Builder
	b.WriteString("CONSTRAINT " + s.q(c.Name) + " CHECK (" + s.q(c.Column) + " IN (")
	for i, v := range c.Values {
		if i > 0 {
			b.WriteString(", ")
		}
		if c.Numeric {
			b.WriteString(v)
		} else {
			b.WriteString("'" + strings.ReplaceAll(v, "'", "''") + "'")
		}
	}
	b.WriteString("))")
	return b.String()
}

func (s style) addCheck(table string, c *Check) string {
	return "ALTER TABLE " + s.q(table) + " ADD " + s.checkClause(c)
}

// dropCheck renders ALTER TABLE ... DROP CONSTRAINT (PostgreSQL, MariaDB,
// MySQL 8.0.19+; SQLite rebuilds the table instead).
func (s style) dropCheck(table string, c *Check) string {
	return "ALTER TABLE " + s.q(table) + " DROP CONSTRAINT " + s.q(c.Name)
}

// compareChecks adds the check changes turning c into t; it reports
// whether there were any.
func (s style) compareChecks(changes *[]Change, c, t *Table) bool {
	n := len(*changes)
	for _, cc := range c.Checks {
		if t.Check(cc.Name) == nil {
			*changes = append(*changes, Change{Kind: DropCheck, Table: t.Name, Name: cc.Name,
				SQL: []string{s.dropCheck(t.Name, cc)}})
		}
	}
	for _, tc := range t.Checks {
		if c.Check(tc.Name) == nil {
			*changes = append(*changes, Change{Kind: AddCheck, Table: t.Name, Name: tc.Name,
				Detail: tc.Column + " in " + strings.Join(tc.Values, "|"), SQL: []string{s.addCheck(t.Name, tc)}})
		}
	}
	return len(*changes) > n
}

var (
	quotedIdent = regexp.MustCompile("\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`")
	stringLit   = regexp.MustCompile(`'((?:[^']|'')*)'`)
	bareWord    = regexp.MustCompile(`\b[A-Za-z_][A-Za-z0-9_$]*\b`)
	integerLit  = regexp.MustCompile(`-?\b\d+\b`)
)

// readCheck makes a Check of a constraint read from a database: unitorm's
// own (by name) only, with its column and values parsed from expr.
func readCheck(t *Table, name, expr string) {
	if !ownCheck.MatchString(name) {
		return
	}
	c := &Check{Name: name, Expr: expr}
	for _, col := range t.Columns {
		if identIn(expr, col.Name) {
			c.Column = col.Name
			break
		}
	}
	if lits := stringLit.FindAllStringSubmatch(expr, -1); len(lits) > 0 {
		for _, l := range lits {
			c.Values = append(c.Values, strings.ReplaceAll(l[1], "''", "'"))
		}
	} else {
		rest := bareWord.ReplaceAllString(quotedIdent.ReplaceAllString(expr, " "), " ")
		c.Values, c.Numeric = integerLit.FindAllString(rest, -1), true
	}
	t.Checks = append(t.Checks, c)
}

// identIn reports whether expr names column (quoted or bare).
func identIn(expr, column string) bool {
	for _, q := range quotedIdent.FindAllString(expr, -1) {
		if strings.EqualFold(q[1:len(q)-1], column) {
			return true
		}
	}
	for _, w := range bareWord.FindAllString(stringLit.ReplaceAllString(expr, " "), -1) {
		if strings.EqualFold(w, column) {
			return true
		}
	}
	return false
}

const pgChecks = `SELECT cl.relname, con.conname, pg_get_constraintdef(con.oid)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class cl ON cl.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
WHERE n.nspname = current_schema() AND con.contype = 'c'
ORDER BY cl.relname, con.conname`

const myChecks = `SELECT tc.TABLE_NAME, tc.CONSTRAINT_NAME, cc.CHECK_CLAUSE
FROM information_schema.TABLE_CONSTRAINTS tc
JOIN information_schema.CHECK_CONSTRAINTS cc
  ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
WHERE tc.CONSTRAINT_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK'
ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME`

// mariaChecks reads the table CHECKs from MariaDB's CHECK_CONSTRAINTS alone
// (it names the table): joining TABLE_CONSTRAINTS makes the server
// materialize both information_schema tables, and MariaDB 10.11 has crashed
// (signal 11 freeing that temporary table) while tables of other sessions
// were being dropped.
const mariaChecks = `SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE() AND LEVEL = 'Table'
ORDER BY TABLE_NAME, CONSTRAINT_NAME`

// readChecks runs a (table, name, expression) query and keeps unitorm's
// checks of the tables in s.
func readChecks(ctx context.Context, q Querier, s *Schema, query string) error {
	return queryRows(ctx, q, query, func(rows qb.Rows) error {
		var table, name, expr string
		if err := rows.Scan(&table, &name, &expr); err != nil {
			return err
		}
		if t := s.Table(table); t != nil && t.Check(name) == nil {
			readCheck(t, name, expr)
		}
		return nil
	})
}

var sqliteCheck = regexp.MustCompile("(?i)CONSTRAINT\\s+(\"(?:[^\"]|\"\")*\"|`[^`]*`|\\w+)\\s+CHECK\\s*\\(")

// sqliteChecks reads the named CHECK constraints of a CREATE TABLE text.
func sqliteChecks(t *Table, createSQL string) {
	for _, m := range sqliteCheck.FindAllStringSubmatchIndex(createSQL, -1) {
		name := sqliteUnquote(createSQL[m[2]:m[3]])
		depth, start := 1, m[1]
		end := start
		for end < len(createSQL) && depth > 0 {
			switch createSQL[end] {
			case '(':
				depth++
			case ')':
				depth--
			case '\'':
				if j := strings.IndexByte(createSQL[end+1:], '\''); j >= 0 {
					end += j + 1
				}
			}
			end++
		}
		readCheck(t, name, createSQL[start:max(start, end-1)])
	}
}
