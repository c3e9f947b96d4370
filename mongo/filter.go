package mongo

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// resolver maps a condition's field names to document fields.
type resolver interface {
	resolve(f string) (target, error)
}

// rawFields takes field names as they are (pipelines without an entity).
type rawFields struct{}

func (rawFields) resolve(f string) (target, error) {
	if f == "" || strings.HasPrefix(f, "$") {
		return target{}, fmt.Errorf("%w: field %q", ErrUnknownField, f)
	}
	return target{name: f}, nil
}

// Filter renders a qb condition (a qb.Cond, And/Or/Not, or a normalized
// tree) to a MongoDB query filter, with field names taken as document field
// names. Values are always compared as values ($eq, $in, ...): a map given
// as a value is rejected by qb, never read as operators. Raw SQL,
// subqueries and EXISTS are ErrUnsupported.
//
// The SQL meaning of NULL is kept: $ne and $nin do not match documents
// whose field is null or missing (as <> and NOT IN do not match NULL), and
// $exists is IS NOT NULL. $like is an anchored regular expression with %
// and _ translated and everything else escaped; $ilike adds the i option.
func Filter(c qb.Condition) (bson.D, error) {
	n, err := qb.Normalize(c)
	if err != nil {
		return nil, err
	}
	return render(n, rawFields{})
}

// matchNothing is a filter no document matches (an empty OR, an empty IN).
var matchNothing = bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{}}}}}

// render turns a normalized condition into a filter.
func render(e qb.Expr, r resolver) (bson.D, error) {
	switch x := e.(type) {
	case nil:
		return bson.D{}, nil
	case qb.Cond:
		n, err := qb.Normalize(x)
		if err != nil {
			return nil, err
		}
		return render(n, r)
	case qb.Compare:
		return renderCompare(x, r)
	case qb.Logical:
		items := make([]bson.D, 0, len(x.Items))
		for _, it := range x.Items {
			d, err := render(it, r)
			if err != nil {
				return nil, err
			}
			items = append(items, d)
		}
		if x.Op == qb.OpOr {
			switch len(items) {
			case 0:
				return matchNothing, nil
			case 1:
				return items[0], nil
			}
			return bson.D{{Key: "$or", Value: items}}, nil
		}
		return and(items), nil
	case qb.NotExpr:
		d, err := render(x.Expr, r)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "$nor", Value: bson.A{d}}}, nil
	case qb.RawExpr:
		return nil, fmt.Errorf("%w: raw SQL conditions", ErrUnsupported)
	case qb.ExistsExpr:
		return nil, fmt.Errorf("%w: EXISTS subqueries", ErrUnsupported)
	case qb.AggCompare:
		return nil, fmt.Errorf("%w: aggregate comparisons (HAVING); use a Pipeline", ErrUnsupported)
	}
	return nil, fmt.Errorf("%w: condition node %T", ErrUnsupported, e)
}

// and joins filters: merged into one document when their keys are distinct
// field names, else with $and.
func and(items []bson.D) bson.D {
	switch len(items) {
	case 0:
		return bson.D{}
	case 1:
		return items[0]
	}
	seen := map[string]bool{}
	merge := true
	for _, d := range items {
		for _, el := range d {
			if strings.HasPrefix(el.Key, "$") || seen[el.Key] {
				merge = false
			}
			seen[el.Key] = true
		}
	}
	if !merge {
		return bson.D{{Key: "$and", Value: items}}
	}
	out := make(bson.D, 0, len(seen))
	for _, d := range items {
		out = append(out, d...)
	}
	return out
}

var sqlToMongoCmp = map[qb.Op]string{
	qb.OpEq: "$eq", qb.OpNe: "$ne", qb.OpGt: "$gt", qb.OpGte: "$gte", qb.OpLt: "$lt", qb.OpLte: "$lte",
}

func renderCompare(c qb.Compare, r resolver) (bson.D, error) {
	t, err := r.resolve(c.Field)
	if err != nil {
		return nil, err
	}
	conv := func(v any) (any, error) {
		if t.id != idPlain {
			return idValue(v, t.id)
		}
		return plainValue(v)
	}
	one := func(op string, v any) bson.D {
		return bson.D{{Key: t.name, Value: bson.D{{Key: op, Value: v}}}}
	}
	switch v := c.Value.(type) {
	case qb.ColRef:
		op, ok := sqlToMongoCmp[c.Op]
		if !ok {
			return nil, fmt.Errorf("%w: %s with a column on the right", ErrUnsupported, c.Op)
		}
		o, err := r.resolve(string(v))
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "$expr", Value: bson.D{{Key: op, Value: bson.A{"$" + t.name, "$" + o.name}}}}}, nil
	case qb.RawExpr, qb.SelectQuery, qb.Aggregate, qb.Aliased:
		return nil, fmt.Errorf("%w: %T as the value of %s %s", ErrUnsupported, v, c.Field, c.Op)
	}
	switch c.Op {
	case qb.OpEq, qb.OpNe:
		if c.Value == nil {
			return one(string(c.Op), nil), nil
		}
		v, err := conv(c.Value)
		if err != nil {
			return nil, fieldErr(c, err)
		}
		if c.Op == qb.OpNe {
			return one("$nin", bson.A{v, nil}), nil
		}
		return one("$eq", v), nil
	case qb.OpGt, qb.OpGte, qb.OpLt, qb.OpLte:
		v, err := conv(c.Value)
		if err != nil {
			return nil, fieldErr(c, err)
		}
		return one(sqlToMongoCmp[c.Op], v), nil
	case qb.OpIn, qb.OpNin, qb.OpContains, qb.OpOverlap:
		val := c.Value
		if dv, ok := val.(meta.DialectValue); ok { // an array-typed property's slice
			v, err := dv.ForDialect("mongo")
			if err != nil {
				return nil, fieldErr(c, err)
			}
			val = v
		}
		items, err := listItems(val)
		if err != nil {
			return nil, fieldErr(c, err)
		}
		list := make(bson.A, 0, len(items)+1)
		hasNil := false
		for _, it := range items {
			if it == nil {
				hasNil = true
				list = append(list, nil)
				continue
			}
			v, err := conv(it)
			if err != nil {
				return nil, fieldErr(c, err)
			}
			list = append(list, v)
		}
		switch c.Op {
		case qb.OpIn:
			if len(list) == 0 {
				return matchNothing, nil
			}
			return one("$in", list), nil
		case qb.OpNin:
			if !hasNil {
				list = append(list, nil)
			}
			return one("$nin", list), nil
		case qb.OpContains:
			if len(list) == 0 {
				return bson.D{}, nil
			}
			return one("$all", list), nil
		default:
			if len(list) == 0 {
				return matchNothing, nil
			}
			return one("$in", list), nil
		}
	case qb.OpLike, qb.OpILike, qb.OpRe:
		s, ok := c.Value.(string)
		if !ok {
			return nil, fieldErr(c, fmt.Errorf("%w: the pattern must be a string", ErrInvalidValue))
		}
		re := bson.Regex{Pattern: s}
		switch c.Op {
		case qb.OpLike:
			re = bson.Regex{Pattern: LikeRegex(s), Options: "s"}
		case qb.OpILike:
			re = bson.Regex{Pattern: LikeRegex(s), Options: "is"}
		}
		return bson.D{{Key: t.name, Value: re}}, nil
	case qb.OpExists:
		b, ok := c.Value.(bool)
		if !ok {
			return nil, fieldErr(c, fmt.Errorf("%w: $exists needs a bool", ErrInvalidValue))
		}
		if b {
			return one("$ne", nil), nil
		}
		return one("$eq", nil), nil
	}
	return nil, fmt.Errorf("%w: operator %q", ErrUnsupported, string(c.Op))
}

func fieldErr(c qb.Compare, err error) error {
	return fmt.Errorf("%w (field %q %s)", err, c.Field, c.Op)
}

// listItems returns the elements of a list value ($in and friends). A
// single value is a list of one.
func listItems(v any) ([]any, error) {
	switch x := v.(type) {
	case []any:
		return x, nil
	case nil:
		return []any{nil}, nil
	case []byte, string:
		return []any{x}, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return []any{v}, nil
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, nil
}

// LikeRegex translates a LIKE pattern to an anchored regular expression:
// % is any run of characters, _ one character, a backslash makes the next
// character literal, and every other character matches itself (regular
// expression metacharacters are escaped).
func LikeRegex(pattern string) string {
	var b strings.Builder
	b.Grow(len(pattern) + 8)
	b.WriteByte('^')
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteByte('.')
		case '\\':
			if i+1 < len(rs) {
				i++
				b.WriteString(regexp.QuoteMeta(string(rs[i])))
			} else {
				b.WriteString(`\\`)
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteByte('$')
	return b.String()
}

// renderSort turns ORDER BY items into a sort document. MongoDB sorts
// null and missing values first ascending and last descending; asking for
// the other placement is ErrUnsupported.
func renderSort(orders []qb.Order, r resolver) (bson.D, error) {
	if len(orders) == 0 {
		return nil, nil
	}
	out := make(bson.D, 0, len(orders))
	for _, o := range orders {
		col, ok := o.Expr.(qb.ColRef)
		if !ok {
			return nil, fmt.Errorf("%w: ordering by %T", ErrUnsupported, o.Expr)
		}
		t, err := r.resolve(string(col))
		if err != nil {
			return nil, err
		}
		dir := 1
		if strings.EqualFold(string(o.Dir), string(qb.Desc)) {
			dir = -1
		}
		if (o.Nulls == qb.NullsLast && dir == 1) || (o.Nulls == qb.NullsFirst && dir == -1) {
			return nil, fmt.Errorf("%w: MongoDB sorts nulls first ascending and last descending (%s)", ErrUnsupported, col)
		}
		out = append(out, bson.E{Key: t.name, Value: dir})
	}
	return out, nil
}
