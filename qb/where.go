package qb

// W accumulates a condition with the Where methods; it is what WhereGroup
// callbacks receive and return. Like the statements, it is a value: each
// method returns a new W.
//
// Where and its variants AND the new condition onto what is there; OrWhere
// ORs it with everything so far, so Where(a).OrWhere(b).Where(c) is
// (a OR b) AND c, never a OR (b AND c).
type W struct {
	e   Expr
	err error
}

// Expr returns the accumulated condition (nil when none).
func (w W) Expr() Expr { return w.e }

// Err returns the first error met while building.
func (w W) Err() error { return w.err }

func (w W) add(c Condition, or bool) W {
	if w.err != nil {
		return w
	}
	e, err := Normalize(c)
	if err != nil {
		w.err = err
		return w
	}
	w.e = joinExpr(w.e, e, or)
	return w
}

// joinExpr returns a AND b (or a OR b) as a new node; a is never modified.
func joinExpr(a, b Expr, or bool) Expr {
	if a == nil {
		return b
	}
	op := OpAnd
	if or {
		op = OpOr
	}
	var items []Expr
	if l, ok := a.(Logical); ok && l.Op == op {
		items = make([]Expr, 0, len(l.Items)+1)
		items = append(items, l.Items...)
	} else {
		items = []Expr{a}
	}
	if l, ok := b.(Logical); ok && l.Op == op {
		items = append(items, l.Items...)
	} else {
		items = append(items, b)
	}
	return Logical{Op: op, Items: items}
}

// Where ANDs a condition: a Cond, another Expr, or qb.Squirrel(sqlizer).
func (w W) Where(c Condition) W { return w.add(c, false) }

// OrWhere ORs a condition with everything so far.
func (w W) OrWhere(c Condition) W { return w.add(c, true) }

// WhereNot ANDs the negation of a condition.
func (w W) WhereNot(c Condition) W { return w.add(Not(c), false) }

// OrWhereNot ORs the negation of a condition.
func (w W) OrWhereNot(c Condition) W { return w.add(Not(c), true) }

// WhereIn ANDs col IN (values...): see In.
func (w W) WhereIn(col string, values ...any) W {
	return w.add(Compare{Field: col, Op: OpIn, Value: listArg(values)}, false)
}

// WhereNotIn ANDs col NOT IN (values...): see Nin.
func (w W) WhereNotIn(col string, values ...any) W {
	return w.add(Compare{Field: col, Op: OpNin, Value: listArg(values)}, false)
}

// WhereNull ANDs col IS NULL.
func (w W) WhereNull(col string) W { return w.add(Compare{Field: col, Op: OpEq}, false) }

// WhereNotNull ANDs col IS NOT NULL.
func (w W) WhereNotNull(col string) W { return w.add(Compare{Field: col, Op: OpNe}, false) }

// WhereBetween ANDs low <= col <= high (as col >= low AND col <= high).
func (w W) WhereBetween(col string, low, high any) W {
	return w.add(And(Compare{Field: col, Op: OpGte, Value: low}, Compare{Field: col, Op: OpLte, Value: high}), false)
}

// WhereNotBetween ANDs NOT (low <= col <= high).
func (w W) WhereNotBetween(col string, low, high any) W {
	return w.add(Not(And(Compare{Field: col, Op: OpGte, Value: low}, Compare{Field: col, Op: OpLte, Value: high})), false)
}

// WhereExists ANDs EXISTS (sub); sub is a SelectQuery, RawExpr or squirrel.Sqlizer.
func (w W) WhereExists(sub any) W { return w.add(existsOf(sub), false) }

// WhereNotExists ANDs NOT EXISTS (sub).
func (w W) WhereNotExists(sub any) W { return w.add(NotExpr{Expr: existsOf(sub)}, false) }

func existsOf(sub any) Expr {
	q, err := normSubquery(sub)
	if err != nil {
		return badExpr{err}
	}
	return ExistsExpr{Query: q}
}

// WhereLike ANDs a case-sensitive col LIKE pattern: see Like.
func (w W) WhereLike(col, pattern string) W {
	return w.add(Compare{Field: col, Op: OpLike, Value: pattern}, false)
}

// WhereILike ANDs a case-insensitive col LIKE pattern: see ILike.
func (w W) WhereILike(col, pattern string) W {
	return w.add(Compare{Field: col, Op: OpILike, Value: pattern}, false)
}

// WhereRaw ANDs a raw fragment: see RawExpr.
func (w W) WhereRaw(sql string, args ...any) W { return w.add(Raw(sql, args...), false) }

// OrWhereRaw ORs a raw fragment.
func (w W) OrWhereRaw(sql string, args ...any) W { return w.add(Raw(sql, args...), true) }

// WhereGroup ANDs the condition built by fn, in parentheses:
//
//	q.Where(qb.Cond{"a": 1}).WhereGroup(func(w qb.W) qb.W {
//		return w.Where(qb.Cond{"b": 2}).OrWhere(qb.Cond{"c": 3})
//	})  // a = 1 AND (b = 2 OR c = 3)
func (w W) WhereGroup(fn func(W) W) W { return w.group(fn, false) }

// OrWhereGroup ORs the condition built by fn.
func (w W) OrWhereGroup(fn func(W) W) W { return w.group(fn, true) }

func (w W) group(fn func(W) W, or bool) W {
	if w.err != nil {
		return w
	}
	g := fn(W{})
	if g.err != nil {
		w.err = g.err
		return w
	}
	if g.e == nil {
		return w
	}
	w.e = joinExpr(w.e, g.e, or)
	return w
}
