package qb

// The Or… forms of the Where helpers (Knex orWhereIn, orWhereNull, ...) and
// WhereNotGroup, for W and the statements.

// OrWhereIn ORs col IN (values...): see In.
func (w W) OrWhereIn(col string, values ...any) W {
	return w.add(Compare{Field: col, Op: OpIn, Value: listArg(values)}, true)
}

// OrWhereNotIn ORs col NOT IN (values...): see Nin.
func (w W) OrWhereNotIn(col string, values ...any) W {
	return w.add(Compare{Field: col, Op: OpNin, Value: listArg(values)}, true)
}

// OrWhereNull ORs col IS NULL.
func (w W) OrWhereNull(col string) W { return w.add(Compare{Field: col, Op: OpEq}, true) }

// OrWhereNotNull ORs col IS NOT NULL.
func (w W) OrWhereNotNull(col string) W { return w.add(Compare{Field: col, Op: OpNe}, true) }

// OrWhereBetween ORs col >= low AND col <= high.
func (w W) OrWhereBetween(col string, low, high any) W {
	return w.add(And(Compare{Field: col, Op: OpGte, Value: low}, Compare{Field: col, Op: OpLte, Value: high}), true)
}

// OrWhereNotBetween ORs NOT (col >= low AND col <= high).
func (w W) OrWhereNotBetween(col string, low, high any) W {
	return w.add(Not(And(Compare{Field: col, Op: OpGte, Value: low}, Compare{Field: col, Op: OpLte, Value: high})), true)
}

// OrWhereExists ORs EXISTS (sub).
func (w W) OrWhereExists(sub any) W { return w.add(existsOf(sub), true) }

// OrWhereNotExists ORs NOT EXISTS (sub).
func (w W) OrWhereNotExists(sub any) W { return w.add(NotExpr{Expr: existsOf(sub)}, true) }

// OrWhereLike ORs a case-sensitive LIKE: see Like.
func (w W) OrWhereLike(col, pattern string) W {
	return w.add(Compare{Field: col, Op: OpLike, Value: pattern}, true)
}

// OrWhereILike ORs a case-insensitive LIKE: see ILike.
func (w W) OrWhereILike(col, pattern string) W {
	return w.add(Compare{Field: col, Op: OpILike, Value: pattern}, true)
}

// WhereNotGroup ANDs NOT (the condition built by fn), Knex's whereNot(function () {...}).
func (w W) WhereNotGroup(fn func(W) W) W { return w.notGroup(fn, false) }

// OrWhereNotGroup ORs NOT (the condition built by fn).
func (w W) OrWhereNotGroup(fn func(W) W) W { return w.notGroup(fn, true) }

func (w W) notGroup(fn func(W) W, or bool) W {
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
	w.e = joinExpr(w.e, NotExpr{Expr: g.e}, or)
	return w
}

// OrWhereIn ORs col IN (values...): see In.
func (q SelectQuery) OrWhereIn(col string, values ...any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereIn(col, values...))
}

// OrWhereNotIn ORs col NOT IN (values...): see Nin.
func (q SelectQuery) OrWhereNotIn(col string, values ...any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotIn(col, values...))
}

// OrWhereNull ORs col IS NULL.
func (q SelectQuery) OrWhereNull(col string) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNull(col))
}

// OrWhereNotNull ORs col IS NOT NULL.
func (q SelectQuery) OrWhereNotNull(col string) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotNull(col))
}

// OrWhereBetween ORs col >= low AND col <= high.
func (q SelectQuery) OrWhereBetween(col string, low, high any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereBetween(col, low, high))
}

// OrWhereNotBetween ORs NOT (col >= low AND col <= high).
func (q SelectQuery) OrWhereNotBetween(col string, low, high any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotBetween(col, low, high))
}

// OrWhereExists ORs EXISTS (sub).
func (q SelectQuery) OrWhereExists(sub any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereExists(sub))
}

// OrWhereNotExists ORs NOT EXISTS (sub).
func (q SelectQuery) OrWhereNotExists(sub any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotExists(sub))
}

// OrWhereLike ORs a case-sensitive LIKE: see Like.
func (q SelectQuery) OrWhereLike(col, pattern string) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereLike(col, pattern))
}

// OrWhereILike ORs a case-insensitive LIKE: see ILike.
func (q SelectQuery) OrWhereILike(col, pattern string) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereILike(col, pattern))
}

// WhereNotGroup ANDs NOT (the condition built by fn), Knex's whereNot(function () {...}).
func (q SelectQuery) WhereNotGroup(fn func(W) W) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotGroup(fn))
}

// OrWhereNotGroup ORs NOT (the condition built by fn).
func (q SelectQuery) OrWhereNotGroup(fn func(W) W) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotGroup(fn))
}

// OrWhereIn ORs col IN (values...): see In.
func (q UpdateQuery) OrWhereIn(col string, values ...any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereIn(col, values...))
}

// OrWhereNotIn ORs col NOT IN (values...): see Nin.
func (q UpdateQuery) OrWhereNotIn(col string, values ...any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotIn(col, values...))
}

// OrWhereNull ORs col IS NULL.
func (q UpdateQuery) OrWhereNull(col string) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNull(col))
}

// OrWhereNotNull ORs col IS NOT NULL.
func (q UpdateQuery) OrWhereNotNull(col string) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotNull(col))
}

// OrWhereBetween ORs col >= low AND col <= high.
func (q UpdateQuery) OrWhereBetween(col string, low, high any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereBetween(col, low, high))
}

// OrWhereNotBetween ORs NOT (col >= low AND col <= high).
func (q UpdateQuery) OrWhereNotBetween(col string, low, high any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotBetween(col, low, high))
}

// OrWhereExists ORs EXISTS (sub).
func (q UpdateQuery) OrWhereExists(sub any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereExists(sub))
}

// OrWhereNotExists ORs NOT EXISTS (sub).
func (q UpdateQuery) OrWhereNotExists(sub any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotExists(sub))
}

// OrWhereLike ORs a case-sensitive LIKE: see Like.
func (q UpdateQuery) OrWhereLike(col, pattern string) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereLike(col, pattern))
}

// OrWhereILike ORs a case-insensitive LIKE: see ILike.
func (q UpdateQuery) OrWhereILike(col, pattern string) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereILike(col, pattern))
}

// WhereNotGroup ANDs NOT (the condition built by fn), Knex's whereNot(function () {...}).
func (q UpdateQuery) WhereNotGroup(fn func(W) W) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotGroup(fn))
}

// OrWhereNotGroup ORs NOT (the condition built by fn).
func (q UpdateQuery) OrWhereNotGroup(fn func(W) W) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotGroup(fn))
}

// OrWhereIn ORs col IN (values...): see In.
func (q DeleteQuery) OrWhereIn(col string, values ...any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereIn(col, values...))
}

// OrWhereNotIn ORs col NOT IN (values...): see Nin.
func (q DeleteQuery) OrWhereNotIn(col string, values ...any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotIn(col, values...))
}

// OrWhereNull ORs col IS NULL.
func (q DeleteQuery) OrWhereNull(col string) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNull(col))
}

// OrWhereNotNull ORs col IS NOT NULL.
func (q DeleteQuery) OrWhereNotNull(col string) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotNull(col))
}

// OrWhereBetween ORs col >= low AND col <= high.
func (q DeleteQuery) OrWhereBetween(col string, low, high any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereBetween(col, low, high))
}

// OrWhereNotBetween ORs NOT (col >= low AND col <= high).
func (q DeleteQuery) OrWhereNotBetween(col string, low, high any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotBetween(col, low, high))
}

// OrWhereExists ORs EXISTS (sub).
func (q DeleteQuery) OrWhereExists(sub any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereExists(sub))
}

// OrWhereNotExists ORs NOT EXISTS (sub).
func (q DeleteQuery) OrWhereNotExists(sub any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotExists(sub))
}

// OrWhereLike ORs a case-sensitive LIKE: see Like.
func (q DeleteQuery) OrWhereLike(col, pattern string) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereLike(col, pattern))
}

// OrWhereILike ORs a case-insensitive LIKE: see ILike.
func (q DeleteQuery) OrWhereILike(col, pattern string) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereILike(col, pattern))
}

// WhereNotGroup ANDs NOT (the condition built by fn), Knex's whereNot(function () {...}).
func (q DeleteQuery) WhereNotGroup(fn func(W) W) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotGroup(fn))
}

// OrWhereNotGroup ORs NOT (the condition built by fn).
func (q DeleteQuery) OrWhereNotGroup(fn func(W) W) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNotGroup(fn))
}
