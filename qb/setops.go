package qb

import "github.com/unitorm/unitorm/dialect"

// SetOp is the operator joining a member to the query before it: UNION
// (the zero value), INTERSECT or EXCEPT.
type SetOp string

// The set operators.
const (
	SetUnion     SetOp = ""
	SetIntersect SetOp = "INTERSECT"
	SetExcept    SetOp = "EXCEPT"
)

// Intersect adds INTERSECT members (SelectQuery, RawExpr or
// squirrel.Sqlizer): the rows in the query and in every member. It needs
// dialect.SetOps (MySQL from 8.0.31); elsewhere rendering fails with
// ErrUnsupported naming the dialect.
func (q SelectQuery) Intersect(subs ...any) SelectQuery {
	return q.setOp(SetIntersect, false, subs)
}

// IntersectAll adds INTERSECT ALL members (keeps duplicates); it needs
// dialect.SetOpsAll (not SQLite).
func (q SelectQuery) IntersectAll(subs ...any) SelectQuery {
	return q.setOp(SetIntersect, true, subs)
}

// Except adds EXCEPT members: the rows of the query that are in no member.
// It needs dialect.SetOps.
func (q SelectQuery) Except(subs ...any) SelectQuery { return q.setOp(SetExcept, false, subs) }

// ExceptAll adds EXCEPT ALL members; it needs dialect.SetOpsAll (not SQLite).
func (q SelectQuery) ExceptAll(subs ...any) SelectQuery { return q.setOp(SetExcept, true, subs) }

func (q SelectQuery) setOp(op SetOp, all bool, subs []any) SelectQuery {
	for _, s := range subs {
		sq, err := normSubquery(s)
		if err != nil {
			return q.fail(err)
		}
		q.stmt.Unions = add(q.stmt.Unions, Union{All: all, Op: op, Query: sq})
	}
	return q
}

// setOpKeyword checks a member's operator against the dialect and the
// members before it, and returns its keyword. Databases disagree on
// precedence (PostgreSQL and MySQL bind INTERSECT tighter, SQLite reads left
// to right), so an INTERSECT after a UNION or EXCEPT is refused: nest the
// earlier part in FromSub to say which is meant.
func (r *renderer) setOpKeyword(units []Union, i int) (string, error) {
	u := units[i]
	kw := "UNION"
	switch u.Op {
	case SetUnion:
	case SetIntersect, SetExcept:
		if !r.d.Has(dialect.SetOps) {
			return "", unsupported(r.d, string(u.Op))
		}
		if u.All && !r.d.Has(dialect.SetOpsAll) {
			return "", unsupported(r.d, string(u.Op)+" ALL")
		}
		kw = string(u.Op)
	default:
		return "", invalidQuery("set operator %q", string(u.Op))
	}
	if u.Op == SetIntersect {
		for _, prev := range units[:i] {
			if prev.Op != SetIntersect {
				return "", invalidQuery("INTERSECT after %s: databases differ on which binds first; nest the earlier part with FromSub", prev.Op.keyword())
			}
		}
	}
	if u.All {
		kw += " ALL"
	}
	return kw, nil
}

func (op SetOp) keyword() string {
	if op == SetUnion {
		return "UNION"
	}
	return string(op)
}
