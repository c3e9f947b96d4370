package types

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/unitorm/unitorm/meta"
)

// Decimal maps decimal.Decimal (github.com/shopspring/decimal, chosen for
// arbitrary precision with a plain value type and database/sql support) to
// an exact column: numeric(P,S) on PostgreSQL, decimal(P,S) on MySQL and
// MariaDB (precision= and scale= tags; default numeric / decimal(38,10)),
// and text on SQLite, whose NUMERIC affinity would turn values into
// floating point. Values travel as decimal strings, so nothing passes
// through a float; on MongoDB they are stored as strings. Two values that
// differ only in trailing zeros (1.50 and 1.5) are equal: reloading a
// value the database padded to its scale is not a change.
type Decimal struct{}

var _ meta.Type = Decimal{}

// ToDatabase writes the value as a decimal string.
func (Decimal) ToDatabase(v any) (any, error) {
	d, ok := v.(decimal.Decimal)
	if !ok {
		return nil, fmt.Errorf("types.Decimal: %T is not a decimal.Decimal", v)
	}
	return d.String(), nil
}

// FromDatabase reads a decimal string (or an integer) into dst, a
// *decimal.Decimal. A float64 is refused: it may already have lost digits.
func (Decimal) FromDatabase(src any, dst any) error {
	out, ok := dst.(*decimal.Decimal)
	if !ok {
		return fmt.Errorf("types.Decimal: cannot read into %T", dst)
	}
	d, err := parseDecimal(src)
	if err != nil {
		return err
	}
	*out = d
	return nil
}

func parseDecimal(src any) (decimal.Decimal, error) {
	switch v := src.(type) {
	case string:
		return decimal.NewFromString(v)
	case []byte:
		return decimal.NewFromString(string(v))
	case int64:
		return decimal.NewFromInt(v), nil
	case fmt.Stringer:
		return decimal.NewFromString(v.String())
	}
	return decimal.Decimal{}, fmt.Errorf("types.Decimal: cannot read %T exactly", src)
}

// ColumnType is an exact numeric type (text on SQLite).
func (Decimal) ColumnType(dialect string, p *meta.Property) string {
	prec, scale := p.Precision, p.Scale
	switch dialect {
	case "postgres":
		if prec == 0 {
			return "numeric"
		}
	case "mysql", "mariadb":
		if prec == 0 {
			prec, scale = 38, 10
		}
	case "sqlite":
		return "text"
	default:
		return ""
	}
	kw := "numeric"
	if dialect != "postgres" {
		kw = "decimal"
	}
	return kw + "(" + strconv.Itoa(prec) + "," + strconv.Itoa(scale) + ")"
}

// Equal compares two stored values numerically.
func (Decimal) Equal(a, b any) bool {
	x, err1 := parseDecimal(a)
	y, err2 := parseDecimal(b)
	return err1 == nil && err2 == nil && x.Equal(y)
}

// Builtin returns the registry options of the built-in types.
func Builtin() []meta.Option {
	return []meta.Option{meta.WithType(reflect.TypeFor[decimal.Decimal](), Decimal{})}
}
