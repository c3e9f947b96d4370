package qb

import (
	"slices"
	"strings"
)

// SelectStmt is the dialect-neutral model of a SELECT. Builders fill it;
// drivers read it (SelectQuery.Stmt). Slices in a SelectStmt taken from a
// builder may be shared with other builders: do not modify them in place.
type SelectStmt struct {
	With      []CTE
	Recursive bool // WITH RECURSIVE
	Distinct  bool
	// DistinctOn is PostgreSQL's DISTINCT ON (exprs) (knex.go).
	DistinctOn []ValueExpr
	Columns    []ValueExpr // none means *
	From       *TableRef
	Joins      []Join
	Where      Expr
	GroupBy    []ValueExpr
	Having     Expr
	Unions     []Union
	OrderBy    []Order
	HasLimit   bool
	Limit      int64
	Offset     int64 // 0: none
	Lock       Lock
}

// CTE is one WITH entry: Name (Columns...) AS (Query).
type CTE struct {
	Name    string
	Columns []string
	Query   Subquery
}

// TableRef is a table or a subquery in FROM or JOIN.
type TableRef struct {
	Name  string   // table, possibly schema-qualified; empty for a subquery
	Sub   Subquery // a subquery, which needs an Alias
	Alias string
}

// JoinKind is the kind of a join.
type JoinKind string

// The join kinds. JoinRawKind joins are a raw fragment in Join.Raw.
const (
	JoinInner   JoinKind = "INNER JOIN"
	JoinLeft    JoinKind = "LEFT JOIN"
	JoinRight   JoinKind = "RIGHT JOIN"
	JoinFull    JoinKind = "FULL JOIN"
	JoinCross   JoinKind = "CROSS JOIN"
	JoinRawKind JoinKind = "RAW"
)

// Join is one join: Kind Table ON On, or a raw fragment.
type Join struct {
	Kind  JoinKind
	Table TableRef
	On    Expr // nil for cross joins
	Raw   RawExpr
}

// Union is a member of a compound select: UNION [ALL], or INTERSECT /
// EXCEPT [ALL] when Op says so (setops.go).
type Union struct {
	All   bool
	Op    SetOp // SetUnion (the zero value), SetIntersect or SetExcept
	Query Subquery
}

// Direction is an ORDER BY direction: Asc or Desc (any letter case).
type Direction string

// The directions.
const (
	Asc  Direction = "ASC"
	Desc Direction = "DESC"
)

// Nulls places NULLs in an ORDER BY.
type Nulls int

// The NULL placements. NullsDefault leaves it to the database (PostgreSQL
// sorts NULLs as larger than any value, MySQL and SQLite as smaller).
const (
	NullsDefault Nulls = iota
	NullsFirst
	NullsLast
)

// Order is one ORDER BY item. Dir "" (only from OrderByRaw) writes no direction.
type Order struct {
	Expr  ValueExpr
	Dir   Direction
	Nulls Nulls
}

// LockStrength is the strength of a row lock: FOR UPDATE or FOR SHARE.
// (em.LockMode is the ORM's lock mode, which maps to it.)
type LockStrength int

// The lock strengths.
const (
	LockNone LockStrength = iota
	LockUpdate
	LockShare
)

// Lock is the row-locking clause of a SELECT.
type Lock struct {
	Mode       LockStrength
	SkipLocked bool
	NoWait     bool
}

// SelectQuery builds a SELECT. It is a value: each method returns a new
// query and leaves the receiver as it was.
type SelectQuery struct {
	stmt SelectStmt
	err  error
}

// Select starts a SELECT of the given columns (all when none). A column is a
// string ("b.title", "b.title AS t", "t.*"), a ColRef, an Aggregate, a
// RawExpr, a squirrel.Sqlizer, a SelectQuery (a scalar subquery) or an
// Aliased expression.
func Select(cols ...any) SelectQuery { return SelectQuery{}.Columns(cols...) }

// NewSelect returns a builder for a SelectStmt built elsewhere.
func NewSelect(s SelectStmt) SelectQuery { return SelectQuery{stmt: s} }

// Stmt returns the query's model.
func (q SelectQuery) Stmt() SelectStmt { return q.stmt }

// Err returns the first error met while building.
func (q SelectQuery) Err() error { return q.err }

func (q SelectQuery) fail(err error) SelectQuery {
	if q.err == nil {
		q.err = err
	}
	return q
}

// add appends to a slice shared with other queries without writing into its
// spare capacity, which a sibling query may use.
func add[T any](s []T, v ...T) []T {
	return append(slices.Clip(s), v...)
}

// Columns adds columns to the select list: see Select.
func (q SelectQuery) Columns(cols ...any) SelectQuery {
	for _, c := range cols {
		e, err := selectItem(c)
		if err != nil {
			return q.fail(err)
		}
		q.stmt.Columns = add(q.stmt.Columns, e)
	}
	return q
}

func selectItem(c any) (ValueExpr, error) {
	if s, ok := c.(string); ok {
		name, alias, err := splitAlias(s)
		if err != nil {
			return nil, err
		}
		if alias != "" {
			return Aliased{Expr: ColRef(name), Alias: alias}, nil
		}
		return ColRef(name), nil
	}
	v, k, err := classify(c)
	if err != nil {
		return nil, err
	}
	if k != kindExpr {
		return nil, invalidValue("%s is not a column (wrap a value in Raw(\"?\", v))", describe(c))
	}
	return v.(ValueExpr), nil
}

// Distinct makes it SELECT DISTINCT.
func (q SelectQuery) Distinct() SelectQuery { q.stmt.Distinct = true; return q }

// From sets the table: From("author"), From("author", "a"), From("author a"),
// From("author AS a").
func (q SelectQuery) From(table string, alias ...string) SelectQuery {
	t, err := tableRef(table, alias)
	if err != nil {
		return q.fail(err)
	}
	q.stmt.From = &t
	return q
}

func tableRef(table string, alias []string) (TableRef, error) {
	name, a, err := splitAlias(table)
	if err != nil {
		return TableRef{}, err
	}
	switch {
	case len(alias) > 1 || len(alias) == 1 && a != "":
		return TableRef{}, invalidQuery("table %s: more than one alias", quoteForMsg(table))
	case len(alias) == 1:
		a = alias[0]
	}
	return TableRef{Name: name, Alias: a}, nil
}

// FromSub selects from a subquery (SelectQuery, RawExpr or squirrel.Sqlizer)
// named alias.
func (q SelectQuery) FromSub(sub any, alias string) SelectQuery {
	s, err := normSubquery(sub)
	if err != nil {
		return q.fail(err)
	}
	q.stmt.From = &TableRef{Sub: s, Alias: alias}
	return q
}

// With adds a common table expression: WITH name (cols...) AS (sub). sub is
// a SelectQuery, RawExpr or squirrel.Sqlizer.
func (q SelectQuery) With(name string, sub any, cols ...string) SelectQuery {
	s, err := normSubquery(sub)
	if err != nil {
		return q.fail(err)
	}
	q.stmt.With = add(q.stmt.With, CTE{Name: name, Columns: slices.Clone(cols), Query: s})
	return q
}

// WithRecursive adds a CTE and makes the WITH clause recursive.
func (q SelectQuery) WithRecursive(name string, sub any, cols ...string) SelectQuery {
	q = q.With(name, sub, cols...)
	q.stmt.Recursive = true
	return q
}

func (q SelectQuery) join(kind JoinKind, t TableRef, on any) SelectQuery {
	j := Join{Kind: kind, Table: t}
	if kind != JoinCross {
		e, err := joinOn(on)
		if err != nil {
			return q.fail(err)
		}
		j.On = e
	}
	q.stmt.Joins = add(q.stmt.Joins, j)
	return q
}

func joinOn(on any) (Expr, error) {
	switch x := on.(type) {
	case string:
		return parseOn(x)
	case nil:
		return nil, invalidQuery("join without ON condition (use CrossJoin)")
	}
	return normExpr(toExpr(on))
}

func (q SelectQuery) joinTable(kind JoinKind, table string, on any) SelectQuery {
	t, err := tableRef(table, nil)
	if err != nil {
		return q.fail(err)
	}
	return q.join(kind, t, on)
}

// Join is InnerJoin.
func (q SelectQuery) Join(table string, on any) SelectQuery {
	return q.joinTable(JoinInner, table, on)
}

// InnerJoin adds INNER JOIN table ON on. table may carry an alias ("author a").
// on is either text with column comparisons joined by AND ("a.id = b.author_id")
// or a Condition, where Col marks the other column: Cond{"a.id": Col("b.author_id")}.
func (q SelectQuery) InnerJoin(table string, on any) SelectQuery {
	return q.joinTable(JoinInner, table, on)
}

// LeftJoin adds LEFT JOIN table ON on: see InnerJoin.
func (q SelectQuery) LeftJoin(table string, on any) SelectQuery {
	return q.joinTable(JoinLeft, table, on)
}

// RightJoin adds RIGHT JOIN table ON on (needs dialect.RightJoin).
func (q SelectQuery) RightJoin(table string, on any) SelectQuery {
	return q.joinTable(JoinRight, table, on)
}

// FullJoin adds FULL JOIN table ON on (needs dialect.FullJoin).
func (q SelectQuery) FullJoin(table string, on any) SelectQuery {
	return q.joinTable(JoinFull, table, on)
}

// CrossJoin adds CROSS JOIN table.
func (q SelectQuery) CrossJoin(table string) SelectQuery {
	return q.joinTable(JoinCross, table, nil)
}

// JoinSub adds kind JOIN (sub) alias ON on; sub is a SelectQuery, RawExpr or
// squirrel.Sqlizer.
func (q SelectQuery) JoinSub(kind JoinKind, sub any, alias string, on any) SelectQuery {
	s, err := normSubquery(sub)
	if err != nil {
		return q.fail(err)
	}
	switch kind {
	case JoinInner, JoinLeft, JoinRight, JoinFull, JoinCross:
	default:
		return q.fail(invalidQuery("join kind %q", string(kind)))
	}
	return q.join(kind, TableRef{Sub: s, Alias: alias}, on)
}

// JoinRaw adds a raw join clause: JoinRaw("NATURAL JOIN ??", "tag").
func (q SelectQuery) JoinRaw(sql string, args ...any) SelectQuery {
	r := Raw(sql, args...)
	if err := r.check(); err != nil {
		return q.fail(err)
	}
	q.stmt.Joins = add(q.stmt.Joins, Join{Kind: JoinRawKind, Raw: r})
	return q
}

// GroupBy adds GROUP BY columns.
func (q SelectQuery) GroupBy(cols ...string) SelectQuery {
	for _, c := range cols {
		q.stmt.GroupBy = add[ValueExpr](q.stmt.GroupBy, ColRef(c))
	}
	return q
}

// GroupByRaw adds a raw GROUP BY item.
func (q SelectQuery) GroupByRaw(sql string, args ...any) SelectQuery {
	r := Raw(sql, args...)
	if err := r.check(); err != nil {
		return q.fail(err)
	}
	q.stmt.GroupBy = add[ValueExpr](q.stmt.GroupBy, r)
	return q
}

// Having ANDs a HAVING condition, typically an aggregate comparison
// (Count("*").Gt(1)) or a Cond on grouped columns.
func (q SelectQuery) Having(c Condition) SelectQuery {
	w := W{e: q.stmt.Having}.Where(c)
	q.stmt.Having = w.e
	return q.fail(w.err)
}

// HavingRaw ANDs a raw HAVING condition.
func (q SelectQuery) HavingRaw(sql string, args ...any) SelectQuery {
	return q.Having(Raw(sql, args...))
}

// OrderBy adds ORDER BY col dir, with NULLs placed as asked (emulated with
// (col IS NULL) on databases without NULLS FIRST/LAST). dir must be Asc or
// Desc in any letter case; anything else is an error.
func (q SelectQuery) OrderBy(col string, dir Direction, nulls ...Nulls) SelectQuery {
	return q.OrderByExpr(ColRef(col), dir, nulls...)
}

// OrderByExpr orders by an expression (ColRef, Aggregate, RawExpr, ...).
func (q SelectQuery) OrderByExpr(e ValueExpr, dir Direction, nulls ...Nulls) SelectQuery {
	o, err := makeOrder(e, dir, nulls)
	if err != nil {
		return q.fail(err)
	}
	q.stmt.OrderBy = add(q.stmt.OrderBy, o)
	return q
}

func makeOrder(e ValueExpr, dir Direction, nulls []Nulls) (Order, error) {
	d, err := dir.normalize()
	if err != nil {
		return Order{}, err
	}
	o := Order{Expr: e, Dir: d}
	switch len(nulls) {
	case 0:
	case 1:
		if nulls[0] < NullsDefault || nulls[0] > NullsLast {
			return Order{}, invalidQuery("unknown NULLs placement %d", int(nulls[0]))
		}
		o.Nulls = nulls[0]
	default:
		return Order{}, invalidQuery("more than one NULLs placement")
	}
	return o, nil
}

func (d Direction) normalize() (Direction, error) {
	switch {
	case strings.EqualFold(string(d), "asc"):
		return Asc, nil
	case strings.EqualFold(string(d), "desc"):
		return Desc, nil
	}
	return "", invalidQuery("order direction %s: want asc or desc", quoteForMsg(string(d)))
}

// OrderByRaw adds a raw ORDER BY item (its direction, if any, inside).
func (q SelectQuery) OrderByRaw(sql string, args ...any) SelectQuery {
	r := Raw(sql, args...)
	if err := r.check(); err != nil {
		return q.fail(err)
	}
	q.stmt.OrderBy = add(q.stmt.OrderBy, Order{Expr: r})
	return q
}

// Limit sets LIMIT n (n >= 0).
func (q SelectQuery) Limit(n int) SelectQuery {
	if n < 0 {
		return q.fail(invalidQuery("negative limit %d", n))
	}
	q.stmt.HasLimit, q.stmt.Limit = true, int64(n)
	return q
}

// Offset sets OFFSET n (n >= 0).
func (q SelectQuery) Offset(n int) SelectQuery {
	if n < 0 {
		return q.fail(invalidQuery("negative offset %d", n))
	}
	q.stmt.Offset = int64(n)
	return q
}

// Union adds UNION members (SelectQuery, RawExpr or squirrel.Sqlizer). The
// query's own ORDER BY, LIMIT and OFFSET apply to the whole union; a member
// with its own is wrapped in SELECT * FROM (...).
func (q SelectQuery) Union(subs ...any) SelectQuery { return q.union(false, subs) }

// UnionAll adds UNION ALL members: see Union.
func (q SelectQuery) UnionAll(subs ...any) SelectQuery { return q.union(true, subs) }

func (q SelectQuery) union(all bool, subs []any) SelectQuery {
	for _, s := range subs {
		sq, err := normSubquery(s)
		if err != nil {
			return q.fail(err)
		}
		q.stmt.Unions = add(q.stmt.Unions, Union{All: all, Query: sq})
	}
	return q
}

// ForUpdate adds FOR UPDATE. On a database without row locks (SQLite, where a
// write transaction locks the whole database) the locking clause is left out.
func (q SelectQuery) ForUpdate() SelectQuery { q.stmt.Lock.Mode = LockUpdate; return q }

// ForShare adds FOR SHARE (LOCK IN SHARE MODE on MariaDB); left out like ForUpdate.
func (q SelectQuery) ForShare() SelectQuery { q.stmt.Lock.Mode = LockShare; return q }

// SkipLocked adds SKIP LOCKED to ForUpdate or ForShare (an error without them).
func (q SelectQuery) SkipLocked() SelectQuery { q.stmt.Lock.SkipLocked = true; return q }

// NoWait adds NOWAIT to ForUpdate or ForShare (an error without them).
func (q SelectQuery) NoWait() SelectQuery { q.stmt.Lock.NoWait = true; return q }
