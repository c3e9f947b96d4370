package qb

// The Where methods of the statements delegate to W.

func (q SelectQuery) setW(w W) SelectQuery { q.stmt.Where = w.e; return q.fail(w.err) }

// Where ANDs a condition: see W.Where.
func (q SelectQuery) Where(c Condition) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.Where(c))
}

// OrWhere ORs a condition with everything so far: see W.
func (q SelectQuery) OrWhere(c Condition) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhere(c))
}

// WhereNot ANDs the negation of a condition.
func (q SelectQuery) WhereNot(c Condition) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNot(c))
}

// OrWhereNot ORs the negation of a condition.
func (q SelectQuery) OrWhereNot(c Condition) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNot(c))
}

// WhereIn ANDs col IN (values...): see In.
func (q SelectQuery) WhereIn(col string, values ...any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereIn(col, values...))
}

// WhereNotIn ANDs col NOT IN (values...): see Nin.
func (q SelectQuery) WhereNotIn(col string, values ...any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotIn(col, values...))
}

// WhereNull ANDs col IS NULL.
func (q SelectQuery) WhereNull(col string) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNull(col))
}

// WhereNotNull ANDs col IS NOT NULL.
func (q SelectQuery) WhereNotNull(col string) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotNull(col))
}

// WhereBetween ANDs col >= low AND col <= high.
func (q SelectQuery) WhereBetween(col string, low, high any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereBetween(col, low, high))
}

// WhereNotBetween ANDs NOT (col >= low AND col <= high).
func (q SelectQuery) WhereNotBetween(col string, low, high any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotBetween(col, low, high))
}

// WhereExists ANDs EXISTS (sub): a SelectQuery, RawExpr or squirrel.Sqlizer.
func (q SelectQuery) WhereExists(sub any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereExists(sub))
}

// WhereNotExists ANDs NOT EXISTS (sub).
func (q SelectQuery) WhereNotExists(sub any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotExists(sub))
}

// WhereLike ANDs a case-sensitive LIKE: see Like.
func (q SelectQuery) WhereLike(col, pattern string) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereLike(col, pattern))
}

// WhereILike ANDs a case-insensitive LIKE: see ILike.
func (q SelectQuery) WhereILike(col, pattern string) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereILike(col, pattern))
}

// WhereRaw ANDs a raw fragment: see RawExpr.
func (q SelectQuery) WhereRaw(sql string, args ...any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereRaw(sql, args...))
}

// OrWhereRaw ORs a raw fragment.
func (q SelectQuery) OrWhereRaw(sql string, args ...any) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereRaw(sql, args...))
}

// WhereGroup ANDs the parenthesized condition built by fn: see W.WhereGroup.
func (q SelectQuery) WhereGroup(fn func(W) W) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.WhereGroup(fn))
}

// OrWhereGroup ORs the parenthesized condition built by fn.
func (q SelectQuery) OrWhereGroup(fn func(W) W) SelectQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereGroup(fn))
}

func (q UpdateQuery) setW(w W) UpdateQuery { q.stmt.Where = w.e; return q.fail(w.err) }

// Where ANDs a condition: see W.Where.
func (q UpdateQuery) Where(c Condition) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.Where(c))
}

// OrWhere ORs a condition with everything so far: see W.
func (q UpdateQuery) OrWhere(c Condition) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhere(c))
}

// WhereNot ANDs the negation of a condition.
func (q UpdateQuery) WhereNot(c Condition) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNot(c))
}

// OrWhereNot ORs the negation of a condition.
func (q UpdateQuery) OrWhereNot(c Condition) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNot(c))
}

// WhereIn ANDs col IN (values...): see In.
func (q UpdateQuery) WhereIn(col string, values ...any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereIn(col, values...))
}

// WhereNotIn ANDs col NOT IN (values...): see Nin.
func (q UpdateQuery) WhereNotIn(col string, values ...any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotIn(col, values...))
}

// WhereNull ANDs col IS NULL.
func (q UpdateQuery) WhereNull(col string) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNull(col))
}

// WhereNotNull ANDs col IS NOT NULL.
func (q UpdateQuery) WhereNotNull(col string) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotNull(col))
}

// WhereBetween ANDs col >= low AND col <= high.
func (q UpdateQuery) WhereBetween(col string, low, high any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereBetween(col, low, high))
}

// WhereNotBetween ANDs NOT (col >= low AND col <= high).
func (q UpdateQuery) WhereNotBetween(col string, low, high any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotBetween(col, low, high))
}

// WhereExists ANDs EXISTS (sub): a SelectQuery, RawExpr or squirrel.Sqlizer.
func (q UpdateQuery) WhereExists(sub any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereExists(sub))
}

// WhereNotExists ANDs NOT EXISTS (sub).
func (q UpdateQuery) WhereNotExists(sub any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotExists(sub))
}

// WhereLike ANDs a case-sensitive LIKE: see Like.
func (q UpdateQuery) WhereLike(col, pattern string) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereLike(col, pattern))
}

// WhereILike ANDs a case-insensitive LIKE: see ILike.
func (q UpdateQuery) WhereILike(col, pattern string) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereILike(col, pattern))
}

// WhereRaw ANDs a raw fragment: see RawExpr.
func (q UpdateQuery) WhereRaw(sql string, args ...any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereRaw(sql, args...))
}

// OrWhereRaw ORs a raw fragment.
func (q UpdateQuery) OrWhereRaw(sql string, args ...any) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereRaw(sql, args...))
}

// WhereGroup ANDs the parenthesized condition built by fn: see W.WhereGroup.
func (q UpdateQuery) WhereGroup(fn func(W) W) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.WhereGroup(fn))
}

// OrWhereGroup ORs the parenthesized condition built by fn.
func (q UpdateQuery) OrWhereGroup(fn func(W) W) UpdateQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereGroup(fn))
}

func (q DeleteQuery) setW(w W) DeleteQuery { q.stmt.Where = w.e; return q.fail(w.err) }

// Where ANDs a condition: see W.Where.
func (q DeleteQuery) Where(c Condition) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.Where(c))
}

// OrWhere ORs a condition with everything so far: see W.
func (q DeleteQuery) OrWhere(c Condition) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhere(c))
}

// WhereNot ANDs the negation of a condition.
func (q DeleteQuery) WhereNot(c Condition) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNot(c))
}

// OrWhereNot ORs the negation of a condition.
func (q DeleteQuery) OrWhereNot(c Condition) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereNot(c))
}

// WhereIn ANDs col IN (values...): see In.
func (q DeleteQuery) WhereIn(col string, values ...any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereIn(col, values...))
}

// WhereNotIn ANDs col NOT IN (values...): see Nin.
func (q DeleteQuery) WhereNotIn(col string, values ...any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotIn(col, values...))
}

// WhereNull ANDs col IS NULL.
func (q DeleteQuery) WhereNull(col string) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNull(col))
}

// WhereNotNull ANDs col IS NOT NULL.
func (q DeleteQuery) WhereNotNull(col string) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotNull(col))
}

// WhereBetween ANDs col >= low AND col <= high.
func (q DeleteQuery) WhereBetween(col string, low, high any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereBetween(col, low, high))
}

// WhereNotBetween ANDs NOT (col >= low AND col <= high).
func (q DeleteQuery) WhereNotBetween(col string, low, high any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotBetween(col, low, high))
}

// WhereExists ANDs EXISTS (sub): a SelectQuery, RawExpr or squirrel.Sqlizer.
func (q DeleteQuery) WhereExists(sub any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereExists(sub))
}

// WhereNotExists ANDs NOT EXISTS (sub).
func (q DeleteQuery) WhereNotExists(sub any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereNotExists(sub))
}

// WhereLike ANDs a case-sensitive LIKE: see Like.
func (q DeleteQuery) WhereLike(col, pattern string) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereLike(col, pattern))
}

// WhereILike ANDs a case-insensitive LIKE: see ILike.
func (q DeleteQuery) WhereILike(col, pattern string) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereILike(col, pattern))
}

// WhereRaw ANDs a raw fragment: see RawExpr.
func (q DeleteQuery) WhereRaw(sql string, args ...any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereRaw(sql, args...))
}

// OrWhereRaw ORs a raw fragment.
func (q DeleteQuery) OrWhereRaw(sql string, args ...any) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereRaw(sql, args...))
}

// WhereGroup ANDs the parenthesized condition built by fn: see W.WhereGroup.
func (q DeleteQuery) WhereGroup(fn func(W) W) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.WhereGroup(fn))
}

// OrWhereGroup ORs the parenthesized condition built by fn.
func (q DeleteQuery) OrWhereGroup(fn func(W) W) DeleteQuery {
	return q.setW(W{e: q.stmt.Where}.OrWhereGroup(fn))
}
