package qb

import (
	"fmt"

	"github.com/Masterminds/squirrel"
	"github.com/unitorm/unitorm/dialect"
)

// RawExpr is a fragment of SQL with bindings. In SQL, ? binds the next
// argument as a value and ?? quotes the next argument as an identifier (a
// string, a ColRef or a []string for a comma-separated list); \? is a literal
// question mark. A value argument that is a ColRef, RawExpr, Aggregate,
// SelectQuery or squirrel.Sqlizer is rendered in place; a slice expands to a
// comma-separated list of values (a non-empty one). The number of arguments
// must match the placeholders (ErrBindMismatch).
//
// A RawExpr made from a squirrel.Sqlizer follows squirrel's rules instead:
// ? is a value and ?? a literal question mark.
type RawExpr struct {
	SQL  string
	Args []any
	sq   bool  // squirrel placeholder rules
	err  error // a problem found when it was made (RawNamed)
}

// Raw returns a raw SQL fragment: Raw("? + ??", 1, "price").
func Raw(sql string, args ...any) RawExpr { return RawExpr{SQL: sql, Args: args} }

// Squirrel adapts a squirrel.Sqlizer (in squirrel's default Question
// placeholder format) to a Condition: q.Where(qb.Squirrel(squirrel.Gt{"price": 10})).
// Where a value or subquery is expected (WhereIn, Select columns, In) a
// Sqlizer can be given directly. An error of s is reported when the query
// is rendered.
func Squirrel(s squirrel.Sqlizer) Condition {
	if s == nil {
		return badExpr{invalidValue("nil squirrel.Sqlizer")}
	}
	r, err := sqlizerRaw(s)
	if err != nil {
		return badExpr{err}
	}
	return r
}

func sqlizerRaw(s squirrel.Sqlizer) (RawExpr, error) {
	sql, args, err := s.ToSql()
	if err != nil {
		return RawExpr{}, fmt.Errorf("%w: squirrel: %w", ErrInvalidValue, err)
	}
	r := RawExpr{SQL: sql, Args: args, sq: true}
	return r, r.check()
}

// rawParam is what walkRaw reports for each placeholder.
type rawParam int

const (
	paramValue rawParam = iota
	paramIdent
)

// walkRaw scans sql, calling lit for literal text and param for each
// placeholder.
func walkRaw(sql string, sq bool, lit func(string), param func(rawParam) error) error {
	start := 0
	for i := 0; i < len(sql); i++ {
		switch sql[i] {
		case '\\':
			if !sq && i+1 < len(sql) && sql[i+1] == '?' {
				lit(sql[start:i])
				lit("?")
				i++
				start = i + 1
			}
		case '?':
			lit(sql[start:i])
			if i+1 < len(sql) && sql[i+1] == '?' {
				i++
				if sq {
					lit("?")
				} else if err := param(paramIdent); err != nil {
					return err
				}
			} else if err := param(paramValue); err != nil {
				return err
			}
			start = i + 1
		}
	}
	lit(sql[start:])
	return nil
}

// check validates the placeholders and arguments without rendering.
func (x RawExpr) check() error {
	if x.err != nil {
		return x.err
	}
	n := 0
	err := walkRaw(x.SQL, x.sq, func(string) {}, func(p rawParam) error {
		if n >= len(x.Args) {
			n++
			return nil
		}
		a := x.Args[n]
		n++
		if p == paramIdent {
			_, err := rawIdents(a)
			return err
		}
		_, k, err := classify(a)
		if err != nil {
			return err
		}
		if k == kindSlice && len(sliceItems(a)) == 0 {
			return invalidValue("empty list bound to ? in %s", quoteForMsg(x.SQL))
		}
		if k == kindSlice {
			for _, el := range sliceItems(a) {
				if _, _, err := scalarValue(el); err != nil {
					return err
				}
			}
		}
		if r, ok := a.(RawExpr); ok {
			return r.check()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n != len(x.Args) {
		return fmt.Errorf("%w: %d placeholders, %d arguments in %s", ErrBindMismatch, n, len(x.Args), quoteForMsg(x.SQL))
	}
	return nil
}

// rawIdents returns the identifiers bound to a ?? placeholder.
func rawIdents(a any) ([]string, error) {
	switch v := a.(type) {
	case string:
		return []string{v}, nil
	case ColRef:
		return []string{string(v)}, nil
	case []string:
		if len(v) == 0 {
			return nil, invalidValue("empty identifier list bound to ??")
		}
		return v, nil
	}
	return nil, fmt.Errorf("%w: ?? needs a string, ColRef or []string, not %s", ErrInvalidIdentifier, describe(a))
}

// ToSQL renders the fragment as a whole statement for d, so that Raw can be
// run: qb.Scan(ctx, db, qb.Raw("SELECT count(*) FROM book WHERE price > ?", 10), &n).
func (x RawExpr) ToSQL(d dialect.Dialect) (string, []any, error) {
	if err := x.check(); err != nil {
		return "", nil, err
	}
	r := newRenderer(d)
	if err := r.appendRaw(x); err != nil {
		return "", nil, err
	}
	return r.finish()
}
