package qb

import (
	"slices"

	"github.com/unitorm/unitorm/dialect"
)

// InsertStmt is the dialect-neutral model of an INSERT.
type InsertStmt struct {
	Table     string
	Columns   []string
	Rows      [][]any  // one value per column; values may be ColRef, RawExpr, SelectQuery
	Select    Subquery // INSERT ... SELECT instead of Rows
	Conflict  *OnConflict
	Returning []string
}

// OnConflict is the upsert clause of an insert.
type OnConflict struct {
	// Columns is the conflict target (PostgreSQL, SQLite). MySQL and MariaDB
	// take any unique key and ignore it.
	Columns []string
	// Ignore skips conflicting rows (DO NOTHING; INSERT IGNORE on MySQL/MariaDB,
	// which also turns some other errors into warnings there).
	Ignore bool
	// Merge lists the columns updated from the new row on conflict.
	Merge []string
	// MergeAll merges every inserted column that is not a conflict column.
	MergeAll bool
}

// InsertQuery builds an INSERT. It is a value: each method returns a new
// query and leaves the receiver as it was.
type InsertQuery struct {
	stmt InsertStmt
	err  error
}

// InsertInto starts an INSERT into table.
func InsertInto(table string) InsertQuery { return InsertQuery{stmt: InsertStmt{Table: table}} }

// NewInsert returns a builder for an InsertStmt built elsewhere.
func NewInsert(s InsertStmt) InsertQuery { return InsertQuery{stmt: s} }

// Stmt returns the query's model.
func (q InsertQuery) Stmt() InsertStmt { return q.stmt }

// Err returns the first error met while building.
func (q InsertQuery) Err() error { return q.err }

func (q InsertQuery) fail(err error) InsertQuery {
	if q.err == nil {
		q.err = err
	}
	return q
}

// Columns sets the inserted columns.
func (q InsertQuery) Columns(cols ...string) InsertQuery {
	q.stmt.Columns = slices.Clone(cols)
	return q
}

// Values adds one row, one value per column. Values are bound (a slice as
// one value: an array on PostgreSQL); a ColRef, RawExpr or SelectQuery is
// written in place. A map or a struct that is not
// a driver.Valuer is ErrInvalidValue (wrap JSON in a driver.Valuer).
func (q InsertQuery) Values(vals ...any) InsertQuery {
	row := make([]any, len(vals))
	for i, v := range vals {
		x, _, err := classify(v)
		if err != nil {
			return q.fail(err)
		}
		row[i] = x
	}
	q.stmt.Rows = add(q.stmt.Rows, row)
	return q
}

// ValuesMap adds one row from a map. The first map sets the columns (sorted)
// when none are set; every row must then name the same columns.
func (q InsertQuery) ValuesMap(m map[string]any) InsertQuery {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if q.stmt.Columns == nil && len(q.stmt.Rows) == 0 {
		q.stmt.Columns = keys
	}
	cols := q.stmt.Columns
	if len(cols) != len(keys) {
		return q.fail(invalidQuery("row has columns %v, the insert %v", keys, cols))
	}
	vals := make([]any, len(cols))
	for i, c := range cols {
		v, ok := m[c]
		if !ok {
			return q.fail(invalidQuery("row has columns %v, the insert %v", keys, cols))
		}
		vals[i] = v
	}
	return q.Values(vals...)
}

// FromSelect inserts the rows of a query (SelectQuery, RawExpr or
// squirrel.Sqlizer) instead of Values.
func (q InsertQuery) FromSelect(sub any) InsertQuery {
	s, err := normSubquery(sub)
	if err != nil {
		return q.fail(err)
	}
	q.stmt.Select = s
	return q
}

// OnConflict starts an upsert on the given conflict columns; follow it with
// Merge or Ignore.
func (q InsertQuery) OnConflict(cols ...string) InsertQuery {
	q.stmt.Conflict = &OnConflict{Columns: slices.Clone(cols)}
	return q
}

func (q InsertQuery) conflict() OnConflict {
	if q.stmt.Conflict == nil {
		return OnConflict{}
	}
	return *q.stmt.Conflict
}

// Merge updates the listed columns from the new row when the row conflicts
// (all inserted columns but the conflict columns when none are listed):
// ON CONFLICT (...) DO UPDATE SET c = EXCLUDED.c, or ON DUPLICATE KEY UPDATE
// c = VALUES(c).
func (q InsertQuery) Merge(cols ...string) InsertQuery {
	c := q.conflict()
	c.Ignore = false
	c.Merge = slices.Clone(cols)
	c.MergeAll = len(cols) == 0
	q.stmt.Conflict = &c
	return q
}

// Ignore skips rows that conflict: ON CONFLICT DO NOTHING, or INSERT IGNORE.
func (q InsertQuery) Ignore() InsertQuery {
	c := q.conflict()
	c.Ignore, c.Merge, c.MergeAll = true, nil, false
	q.stmt.Conflict = &c
	return q
}

// Returning adds RETURNING cols (needs dialect.InsertReturning).
func (q InsertQuery) Returning(cols ...string) InsertQuery {
	q.stmt.Returning = add(q.stmt.Returning, cols...)
	return q
}

// ToSQL renders the statement for d.
func (q InsertQuery) ToSQL(d dialect.Dialect) (string, []any, error) {
	if q.err != nil {
		return "", nil, q.err
	}
	r := newRenderer(d)
	if err := r.appendInsert(&q.stmt); err != nil {
		return "", nil, err
	}
	return r.finish()
}

func (r *renderer) appendInsert(s *InsertStmt) error {
	c := s.Conflict
	upsert := c != nil && (c.Ignore || c.MergeAll || len(c.Merge) > 0)
	if c != nil && !upsert {
		return invalidQuery("OnConflict needs Merge or Ignore")
	}
	onConflict := r.d.Has(dialect.UpsertOnConflict)
	dupKey := !onConflict && r.d.Has(dialect.UpsertOnDuplicateKey)
	if upsert && !onConflict && !dupKey {
		return unsupported(r.d, "upsert")
	}
	if upsert && dupKey && c.Ignore {
		r.raw("INSERT IGNORE INTO ")
	} else {
		r.raw("INSERT INTO ")
	}
	if err := r.ident(s.Table); err != nil {
		return err
	}
	if len(s.Columns) > 0 {
		r.raw(" (")
		if err := r.idents(s.Columns); err != nil {
			return err
		}
		r.raw(")")
	}
	switch {
	case s.Select != nil:
		if len(s.Rows) > 0 {
			return invalidQuery("insert with both Values and FromSelect")
		}
		r.raw(" ")
		if err := r.subquery(s.Select); err != nil {
			return err
		}
	case len(s.Columns) == 0 && (len(s.Rows) == 0 || len(s.Rows) == 1 && len(s.Rows[0]) == 0):
		if r.d.Has(dialect.InsertDefaultValues) {
			r.raw(" DEFAULT VALUES")
		} else {
			r.raw(" () VALUES ()")
		}
	case len(s.Rows) == 0:
		return invalidQuery("insert into %s without values", quoteForMsg(s.Table))
	default:
		if len(s.Rows) > 1 && !r.d.Has(dialect.InsertMultiRow) {
			return unsupported(r.d, "multi-row INSERT")
		}
		r.raw(" VALUES ")
		for i, row := range s.Rows {
			if len(row) != len(s.Columns) {
				return invalidQuery("insert row %d has %d values for %d columns", i+1, len(row), len(s.Columns))
			}
			if i > 0 {
				r.raw(", ")
			}
			r.raw("(")
			for j, v := range row {
				if j > 0 {
					r.raw(", ")
				}
				if err := r.columnValue(v); err != nil {
					return err
				}
			}
			r.raw(")")
		}
	}
	if upsert {
		if err := r.upsert(s, onConflict); err != nil {
			return err
		}
	}
	return r.returning(s.Returning, dialect.InsertReturning, "INSERT ... RETURNING")
}

func (r *renderer) upsert(s *InsertStmt, onConflict bool) error {
	c := s.Conflict
	merge := c.Merge
	if c.MergeAll {
		for _, col := range s.Columns {
			if !slices.Contains(c.Columns, col) {
				merge = append(merge, col)
			}
		}
		if len(merge) == 0 {
			return invalidQuery("Merge: no inserted column outside the conflict columns")
		}
	}
	if onConflict {
		r.raw(" ON CONFLICT")
		if len(c.Columns) > 0 {
			r.raw(" (")
			if err := r.idents(c.Columns); err != nil {
				return err
			}
			r.raw(")")
		} else if !c.Ignore {
			return invalidQuery("Merge needs OnConflict columns")
		}
		if c.Ignore {
			r.raw(" DO NOTHING")
			return nil
		}
		r.raw(" DO UPDATE SET ")
		for i, col := range merge {
			if i > 0 {
				r.raw(", ")
			}
			if err := r.ident(col); err != nil {
				return err
			}
			r.raw(" = EXCLUDED.")
			r.name(col)
		}
		return nil
	}
	if c.Ignore {
		return nil // INSERT IGNORE
	}
	r.raw(" ON DUPLICATE KEY UPDATE ")
	for i, col := range merge {
		if i > 0 {
			r.raw(", ")
		}
		if err := r.ident(col); err != nil {
			return err
		}
		r.raw(" = VALUES(")
		r.name(col)
		r.raw(")")
	}
	return nil
}

func (r *renderer) returning(cols []string, f dialect.Feature, what string) error {
	if len(cols) == 0 {
		return nil
	}
	if !r.d.Has(f) {
		return unsupported(r.d, what)
	}
	r.raw(" RETURNING ")
	return r.idents(cols)
}
