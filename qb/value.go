package qb

import (
	"database/sql/driver"
	"reflect"
	"strconv"
	"time"

	"github.com/Masterminds/squirrel"
)

// valueKind says how a value given to a condition, an insert or a raw
// fragment is treated.
type valueKind int

const (
	kindNull   valueKind = iota // nil or a nil pointer
	kindScalar                  // bound as one parameter
	kindSlice                   // a list: IN (...) or expanded ? in raw fragments
	kindExpr                    // ColRef, RawExpr, Aggregate, SelectQuery, Aliased
)

var (
	valuerType = reflect.TypeFor[driver.Valuer]()
	timeType   = reflect.TypeFor[time.Time]()
)

// classify says how v is bound. Maps, structs that are not driver.Valuer or
// time.Time, channels, functions and complex numbers are ErrInvalidValue:
// a value never turns into an operator or SQL. A squirrel.Sqlizer becomes a
// RawExpr, a *SelectQuery a SelectQuery; the value to use is returned.
func classify(v any) (any, valueKind, error) {
	// The common values first: concrete cases are a comparison each, where
	// the driver.Valuer case below is an interface lookup.
	if IsPlainValue(v) {
		return v, kindScalar, nil
	}
	switch x := v.(type) {
	case nil:
		return nil, kindNull, nil
	case ColRef, RawExpr, Aggregate, SelectQuery, Aliased, Literal:
		return v, kindExpr, nil
	case *SelectQuery:
		if x == nil {
			return nil, kindNull, nil
		}
		return *x, kindExpr, nil
	case *RawExpr:
		if x == nil {
			return nil, kindNull, nil
		}
		return *x, kindExpr, nil
	case Array:
		return x.Values, kindScalar, nil
	case driver.Valuer:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil, kindNull, nil
		}
		return v, kindScalar, nil
	case time.Time, []byte, string, bool, int, int8, int16, int32, int64,
		uint, uint8, uint16, uint32, uint64, float32, float64:
		return v, kindScalar, nil
	case squirrel.Sqlizer:
		r, err := sqlizerRaw(x)
		if err != nil {
			return nil, 0, err
		}
		return r, kindExpr, nil
	case Operator, Ops:
		return nil, 0, invalidValue("operator %s used where a value is expected", describe(v))
	case Expr:
		return nil, 0, invalidValue("condition %T used where a value is expected", v)
	}
	rv := reflect.ValueOf(v)
	t := rv.Type()
	for t.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, kindNull, nil
		}
		rv = rv.Elem()
		t = rv.Type()
		if t.Implements(valuerType) || t == timeType {
			return v, kindScalar, nil
		}
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.String:
		return v, kindScalar, nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return v, kindScalar, nil // []byte-like
		}
		return v, kindSlice, nil
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return v, kindScalar, nil // fixed-size bytes: UUIDs, ObjectIDs, hashes
		}
		return v, kindSlice, nil
	case reflect.Map:
		return nil, 0, invalidValue("a map (%T) is not a value; use Cond for conditions", v)
	case reflect.Struct:
		return nil, 0, invalidValue("a struct (%T) that is not a driver.Valuer is not a value", v)
	}
	return nil, 0, invalidValue("%T is not a bindable value", v)
}

// IsPlainValue reports whether v is a value of a basic Go type (a number,
// bool, string, time.Time or []byte; not nil) that qb binds as one
// parameter as it is, unchanged.
func IsPlainValue(v any) bool {
	switch v.(type) {
	case int64, string, int, bool, float64, time.Time, []byte, int32, int16, int8,
		uint, uint64, uint32, uint16, uint8, float32:
		return true
	}
	return false
}

// allPlain reports whether every item is a plain value (IsPlainValue).
func allPlain(items []any) bool {
	for _, it := range items {
		if !IsPlainValue(it) {
			return false
		}
	}
	return true
}

// sliceItems returns the elements of a slice value as []any.
func sliceItems(v any) []any {
	if s, ok := v.([]any); ok {
		return s
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}

// scalarValue checks that v is bindable as one parameter or an expression
// (not a list) and returns the value to use.
func scalarValue(v any) (any, valueKind, error) {
	v, k, err := classify(v)
	if err != nil {
		return nil, 0, err
	}
	if k == kindSlice {
		return nil, 0, invalidValue("a list (%T) where one value is expected", v)
	}
	return v, k, nil
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case Operator:
		return string(x.Op)
	case Ops:
		return "list"
	}
	return reflect.TypeOf(v).String()
}

// stringOf returns the string in v if v is a value (not a ColRef) whose
// kind is string.
func stringOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case ColRef:
		return "", false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

// quoteForMsg quotes a user-supplied name for an error message, shortened.
func quoteForMsg(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strconv.Quote(s)
}

// Array binds a list as one parameter instead of expanding it: an array on
// databases with array parameters (dialect.ArrayParams, PostgreSQL), as in
// Raw("?? = ANY(?)", "id", Array{ids}). Values is the Go slice.
type Array struct{ Values any }
