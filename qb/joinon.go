package qb

import "strings"

// JoinOn is a join condition built the Knex way (on, andOn, orOn, onVal,
// onIn, onNull, onBetween, onExists), for the on argument of the Join
// methods:
//
//	q.LeftJoin("account a", qb.On("a.user_id", "=", "u.id").
//		OrOn("a.owner_id", "=", "u.id").AndOnVal("a.active", "=", true).OnIn("a.kind", 1, 2))
//	// ON ((a.user_id = u.id OR a.owner_id = u.id) AND a.active = ? AND a.kind IN (?, ?))
//
// As with W, each And… method ANDs onto everything so far and each Or…
// method ORs with everything so far. Columns compare with columns (On,
// OrOn); values are bound (OnVal, OnIn, ...). An operator other than =,
// <>, !=, <, <=, >, >= is ErrInvalidValue when the query is rendered.
type JoinOn struct{ w W }

func (JoinOn) exprNode() {}

// On starts a join condition: a op b, two columns.
func On(a, op, b string) JoinOn { return JoinOn{}.AndOn(a, op, b) }

// OnVal starts a join condition with col op value (a bound value).
func OnVal(col, op string, v any) JoinOn { return JoinOn{}.AndOnVal(col, op, v) }

// AndOn ANDs a op b (two columns).
func (o JoinOn) AndOn(a, op, b string) JoinOn { return o.cols(a, op, b, false) }

// OrOn ORs a op b (two columns).
func (o JoinOn) OrOn(a, op, b string) JoinOn { return o.cols(a, op, b, true) }

// OnVal ANDs col op value (a bound value).
func (o JoinOn) OnVal(col, op string, v any) JoinOn { return o.val(col, op, v, false) }

// AndOnVal is OnVal.
func (o JoinOn) AndOnVal(col, op string, v any) JoinOn { return o.val(col, op, v, false) }

// OrOnVal ORs col op value.
func (o JoinOn) OrOnVal(col, op string, v any) JoinOn { return o.val(col, op, v, true) }

// OnIn ANDs col IN (values...): see In.
func (o JoinOn) OnIn(col string, values ...any) JoinOn {
	return JoinOn{o.w.add(Compare{Field: col, Op: OpIn, Value: listArg(values)}, false)}
}

// OrOnIn ORs col IN (values...).
func (o JoinOn) OrOnIn(col string, values ...any) JoinOn {
	return JoinOn{o.w.add(Compare{Field: col, Op: OpIn, Value: listArg(values)}, true)}
}

// OnNotIn ANDs col NOT IN (values...).
func (o JoinOn) OnNotIn(col string, values ...any) JoinOn {
	return JoinOn{o.w.add(Compare{Field: col, Op: OpNin, Value: listArg(values)}, false)}
}

// OnNull ANDs col IS NULL.
func (o JoinOn) OnNull(col string) JoinOn {
	return JoinOn{o.w.add(Compare{Field: col, Op: OpEq}, false)}
}

// OrOnNull ORs col IS NULL.
func (o JoinOn) OrOnNull(col string) JoinOn {
	return JoinOn{o.w.add(Compare{Field: col, Op: OpEq}, true)}
}

// OnNotNull ANDs col IS NOT NULL.
func (o JoinOn) OnNotNull(col string) JoinOn {
	return JoinOn{o.w.add(Compare{Field: col, Op: OpNe}, false)}
}

// OnBetween ANDs col >= low AND col <= high.
func (o JoinOn) OnBetween(col string, low, high any) JoinOn {
	return JoinOn{o.w.add(And(Compare{Field: col, Op: OpGte, Value: low}, Compare{Field: col, Op: OpLte, Value: high}), false)}
}

// OnExists ANDs EXISTS (sub).
func (o JoinOn) OnExists(sub any) JoinOn { return JoinOn{o.w.add(existsOf(sub), false)} }

// OnWhere ANDs any condition (a Cond, Raw, ...).
func (o JoinOn) OnWhere(c Condition) JoinOn { return JoinOn{o.w.add(c, false)} }

// OrOnWhere ORs any condition.
func (o JoinOn) OrOnWhere(c Condition) JoinOn { return JoinOn{o.w.add(c, true)} }

func (o JoinOn) cols(a, op, b string, or bool) JoinOn {
	cop, err := joinOp(op)
	if err != nil {
		return JoinOn{o.w.add(badExpr{err}, or)}
	}
	return JoinOn{o.w.add(Compare{Field: a, Op: cop, Value: ColRef(b)}, or)}
}

func (o JoinOn) val(col, op string, v any, or bool) JoinOn {
	cop, err := joinOp(op)
	if err != nil {
		return JoinOn{o.w.add(badExpr{err}, or)}
	}
	return JoinOn{o.w.add(Compare{Field: col, Op: cop, Value: v}, or)}
}

func joinOp(op string) (Op, error) {
	switch strings.TrimSpace(op) {
	case "=":
		return OpEq, nil
	case "<>", "!=":
		return OpNe, nil
	case "<":
		return OpLt, nil
	case "<=":
		return OpLte, nil
	case ">":
		return OpGt, nil
	case ">=":
		return OpGte, nil
	}
	return "", invalidValue("join operator %s: want =, <>, !=, <, <=, > or >=", quoteForMsg(op))
}

func normOn(o JoinOn) (Expr, error) {
	if o.w.err != nil {
		return nil, o.w.err
	}
	if o.w.e == nil {
		return nil, invalidQuery("empty join condition")
	}
	return normExpr(o.w.e)
}
