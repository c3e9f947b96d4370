package qb

import (
	"strconv"

	"github.com/unitorm/unitorm/dialect"
)

// ToSQL renders the query for d: the SQL, its arguments, and the first
// error met while building or rendering.
func (q SelectQuery) ToSQL(d dialect.Dialect) (string, []any, error) {
	if q.err != nil {
		return "", nil, q.err
	}
	r := newRenderer(d)
	if err := r.appendSelect(&q.stmt); err != nil {
		return "", nil, err
	}
	return r.finish()
}

func (r *renderer) appendSelect(s *SelectStmt) error {
	if err := r.with(s.With, s.Recursive); err != nil {
		return err
	}
	r.raw("SELECT ")
	if s.Distinct {
		r.raw("DISTINCT ")
	}
	if err := r.distinctOn(s.DistinctOn); err != nil {
		return err
	}
	if len(s.Columns) == 0 {
		r.raw("*")
	}
	for i, c := range s.Columns {
		if i > 0 {
			r.raw(", ")
		}
		if err := r.valueExpr(c, false, true); err != nil {
			return err
		}
	}
	if s.From != nil {
		r.raw(" FROM ")
		if err := r.tableRef(*s.From); err != nil {
			return err
		}
	}
	for _, j := range s.Joins {
		if err := r.join(j); err != nil {
			return err
		}
	}
	if err := r.where(" WHERE ", s.Where); err != nil {
		return err
	}
	if len(s.GroupBy) > 0 {
		r.raw(" GROUP BY ")
		for i, g := range s.GroupBy {
			if i > 0 {
				r.raw(", ")
			}
			if err := r.valueExpr(g, false, false); err != nil {
				return err
			}
		}
	}
	if err := r.where(" HAVING ", s.Having); err != nil {
		return err
	}
	for i, u := range s.Unions {
		kw, err := r.setOpKeyword(s.Unions, i)
		if err != nil {
			return err
		}
		r.raw(" " + kw + " ")
		if err := r.unionMember(u.Query, i); err != nil {
			return err
		}
	}
	if err := r.orderBy(s.OrderBy); err != nil {
		return err
	}
	if s.HasLimit || s.Offset > 0 {
		if s.Limit < 0 || s.Offset < 0 {
			return invalidQuery("negative limit or offset")
		}
		limit := s.Limit
		if !s.HasLimit {
			// Every supported database accepts the largest int64 as "no limit";
			// MySQL and SQLite need a LIMIT before OFFSET.
			limit = 1<<63 - 1
		}
		r.raw(" LIMIT ")
		r.b = strconv.AppendInt(r.b, limit, 10)
		if s.Offset > 0 {
			r.raw(" OFFSET ")
			r.b = strconv.AppendInt(r.b, s.Offset, 10)
		}
	}
	return r.lock(s.Lock)
}

// where appends kw and the condition unless it is empty (true).
func (r *renderer) where(kw string, e Expr) error {
	if isTrue(e) {
		return nil
	}
	r.raw(kw)
	return r.expr(e)
}

func (r *renderer) with(ctes []CTE, recursive bool) error {
	if len(ctes) == 0 {
		if recursive {
			return invalidQuery("WITH RECURSIVE without a CTE")
		}
		return nil
	}
	if !r.d.Has(dialect.CTE) {
		return unsupported(r.d, "WITH (common table expressions)")
	}
	r.raw("WITH ")
	if recursive {
		if !r.d.Has(dialect.RecursiveCTE) {
			return unsupported(r.d, "WITH RECURSIVE")
		}
		r.raw("RECURSIVE ")
	}
	for i, c := range ctes {
		if i > 0 {
			r.raw(", ")
		}
		if err := r.ident(c.Name); err != nil {
			return err
		}
		if len(c.Columns) > 0 {
			r.raw(" (")
			if err := r.idents(c.Columns); err != nil {
				return err
			}
			r.raw(")")
		}
		r.raw(" AS (")
		if err := r.subquery(c.Query); err != nil {
			return err
		}
		r.raw(")")
	}
	r.raw(" ")
	return nil
}

func (r *renderer) tableRef(t TableRef) error {
	switch {
	case t.Sub != nil:
		if t.Alias == "" {
			return invalidQuery("a subquery in FROM or JOIN needs an alias")
		}
		r.raw("(")
		if err := r.subquery(t.Sub); err != nil {
			return err
		}
		r.raw(")")
	case t.Name == "":
		return invalidQuery("no table")
	default:
		if err := r.ident(t.Name); err != nil {
			return err
		}
	}
	if t.Alias != "" {
		r.raw(" AS ")
		return r.ident(t.Alias)
	}
	return nil
}

func (r *renderer) join(j Join) error {
	switch j.Kind {
	case JoinRawKind:
		r.raw(" ")
		return r.appendRaw(j.Raw)
	case JoinInner, JoinLeft, JoinCross:
	case JoinRight:
		if !r.d.Has(dialect.RightJoin) {
			return unsupported(r.d, "RIGHT JOIN")
		}
	case JoinFull:
		if !r.d.Has(dialect.FullJoin) {
			return unsupported(r.d, "FULL JOIN")
		}
	default:
		return invalidQuery("join kind %q", string(j.Kind))
	}
	r.raw(" " + string(j.Kind) + " ")
	if err := r.tableRef(j.Table); err != nil {
		return err
	}
	if j.Kind == JoinCross {
		return nil
	}
	if j.On == nil {
		return invalidQuery("%s without ON condition", j.Kind)
	}
	r.raw(" ON ")
	return r.expr(j.On)
}

// unionMember appends a UNION member. A SELECT with its own WITH, ORDER BY,
// LIMIT, OFFSET or UNION is wrapped in SELECT * FROM (...), since SQLite
// accepts no parentheses around union members.
func (r *renderer) unionMember(s Subquery, i int) error {
	if q, ok := s.(SelectQuery); ok {
		st := &q.stmt
		if len(st.With) > 0 || len(st.OrderBy) > 0 || st.HasLimit || st.Offset > 0 || len(st.Unions) > 0 {
			r.raw("SELECT * FROM (")
			if err := r.selectQuery(q); err != nil {
				return err
			}
			r.raw(") AS ")
			r.name("u" + strconv.Itoa(i+1))
			return nil
		}
	}
	return r.subquery(s)
}

func (r *renderer) orderBy(items []Order) error {
	if len(items) == 0 {
		return nil
	}
	r.raw(" ORDER BY ")
	for i, o := range items {
		if i > 0 {
			r.raw(", ")
		}
		dir := ""
		if o.Dir != "" {
			d, err := o.Dir.normalize()
			if err != nil {
				return err
			}
			dir = " " + string(d)
		}
		nulls := ""
		switch o.Nulls {
		case NullsDefault:
		case NullsFirst, NullsLast:
			if r.d.Has(dialect.NullsOrder) {
				nulls = map[Nulls]string{NullsFirst: " NULLS FIRST", NullsLast: " NULLS LAST"}[o.Nulls]
				break
			}
			// (e IS NULL) is 1 for NULLs: descending puts them first.
			r.raw("(")
			if err := r.valueExpr(o.Expr, true, false); err != nil {
				return err
			}
			if o.Nulls == NullsFirst {
				r.raw(" IS NULL) DESC, ")
			} else {
				r.raw(" IS NULL) ASC, ")
			}
		default:
			return invalidQuery("unknown NULLs placement %d", int(o.Nulls))
		}
		if err := r.valueExpr(o.Expr, false, false); err != nil {
			return err
		}
		r.raw(dir + nulls)
	}
	return nil
}

func (r *renderer) lock(l Lock) error {
	if l.Mode == LockNone {
		if l.SkipLocked || l.NoWait {
			return invalidQuery("SKIP LOCKED / NOWAIT need ForUpdate or ForShare")
		}
		return nil
	}
	if l.SkipLocked && l.NoWait {
		return invalidQuery("SKIP LOCKED and NOWAIT together")
	}
	if !r.d.Has(dialect.ForUpdate) {
		return nil // no row locks at all (SQLite): documented no-op
	}
	switch l.Mode {
	case LockUpdate:
		r.raw(" FOR UPDATE")
	case LockShare:
		if !r.d.Has(dialect.ForShare) || r.d.ShareLock() == "" {
			return unsupported(r.d, "shared row locks")
		}
		r.raw(" " + r.d.ShareLock())
	default:
		return invalidQuery("unknown lock mode %d", int(l.Mode))
	}
	if l.SkipLocked {
		if !r.d.Has(dialect.SkipLocked) {
			return unsupported(r.d, "SKIP LOCKED")
		}
		r.raw(" SKIP LOCKED")
	}
	if l.NoWait {
		if !r.d.Has(dialect.NoWait) {
			return unsupported(r.d, "NOWAIT")
		}
		r.raw(" NOWAIT")
	}
	return nil
}
