package em

import (
	"fmt"
	"strings"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Formula properties (tag formula=...) are selected as their expression and
// compared and ordered by it: a condition on one becomes raw SQL around the
// expression with bound values.

// isFormulaSQL reports whether a resolved column is a formula's expression
// (joinPlan.column returns "(expr)" for those, "alias.column" otherwise).
func isFormulaSQL(col string) bool { return strings.HasPrefix(col, "(") }

var formulaOps = map[qb.Op]string{qb.OpEq: "=", qb.OpNe: "<>", qb.OpGt: ">", qb.OpGte: ">=", qb.OpLt: "<", qb.OpLte: "<=", qb.OpLike: "LIKE"}

// formulaCompare is expr <op> ? for a condition on formula property p.
func formulaCompare(p *meta.Property, expr string, op qb.Op, val any) (qb.Expr, error) {
	switch op {
	case qb.OpEq, qb.OpNe:
		if val == nil {
			if op == qb.OpEq {
				return qb.Raw(expr + " IS NULL"), nil
			}
			return qb.Raw(expr + " IS NOT NULL"), nil
		}
	case qb.OpIn, qb.OpNin:
		list, _ := val.([]any)
		if len(list) == 0 {
			if op == qb.OpIn {
				return qb.Raw("1=0"), nil
			}
			return qb.Raw("1=1"), nil
		}
		word := " IN ("
		if op == qb.OpNin {
			word = " NOT IN ("
		}
		return qb.Raw(expr+word+strings.TrimSuffix(strings.Repeat("?, ", len(list)), ", ")+")", list...), nil
	}
	sqlOp, ok := formulaOps[op]
	if !ok {
		return nil, &PropertyError{Entity: p.Entity.Name, Property: p.Name,
			Err: fmt.Errorf("%w: operator %s is not supported on a formula", ErrUnknownProperty, op)}
	}
	return qb.Raw(expr+" "+sqlOp+" ?", val), nil
}

// formulaOrder is the ORDER BY item of a formula.
// A JSON path's order may be several keys, separated by NUL (jsonOrder):
// each gets the direction.
func formulaOrder(expr string, dir qb.Direction) (string, error) {
	d := qb.Direction(strings.ToUpper(string(dir)))
	switch d {
	case qb.Asc, qb.Desc, "":
	default:
		return "", fmt.Errorf("%w: order direction %q (want ASC or DESC)", ErrInvalidData, dir)
	}
	keys := strings.Split(expr, "\x00")
	for i, k := range keys {
		if d != "" {
			keys[i] = k + " " + string(d)
		}
	}
	return strings.Join(keys, ", "), nil
}
