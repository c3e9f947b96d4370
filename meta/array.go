package meta

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// DialectType is an optional interface of a Type whose stored form depends
// on the database: ToDatabase gives a dialect-neutral value (what change
// detection compares with Equal), and ToDialect turns it into what the
// driver of dialect ("postgres", "mysql", "mariadb", "sqlite", "mongo")
// binds. Every path that writes or compares a value calls it: inserts
// (the PostgreSQL unnest form included: a step with such a column falls
// back to multi-row VALUES), updates, conditions, MongoDB documents and
// filters. FromDatabase receives what the driver returns, whose form tells
// the database (a PostgreSQL array, JSON text, a BSON array).
type DialectType interface {
	Type
	ToDialect(dialect string, v any) (any, error)
}

// DialectValue is a value whose bound form depends on the database: the
// SQL executor and the MongoDB driver call ForDialect with their dialect
// name before binding it. Values of a DialectType travel as DialectValues.
type DialectValue interface {
	ForDialect(dialect string) (any, error)
}

// DialectArg is a DialectValue for the neutral value V of a DialectType.
type DialectArg struct {
	Type DialectType
	V    any
}

// ForDialect converts V for dialect.
func (a DialectArg) ForDialect(dialect string) (any, error) { return a.Type.ToDialect(dialect, a.V) }

// Value makes a DialectArg a bindable value for query builders; drivers
// bind ForDialect's result instead. Without a database it is the form of
// the dialect "" (JSON text for Array).
func (a DialectArg) Value() (driver.Value, error) { return a.Type.ToDialect("", a.V) }

// Array is the built-in custom type of Go slices of scalars tagged
// type=array: []string, []int64, []int, []float64, []bool, []time.Time
// (or a pointer to one, for a nullable column). It is stored as a native
// array on PostgreSQL (text[], bigint[], double precision[], boolean[],
// timestamp with time zone[]), as JSON text elsewhere (json on MySQL and
// MariaDB, text on SQLite) and as a BSON array on MongoDB. A nil slice and
// an empty one are the same value: both are stored as an empty array and
// read back as an empty, non-nil slice (use a *[]T field for NULL). Change
// detection compares element by element.
type Array struct {
	elem reflect.Type
}

var arrayElems = map[reflect.Type]string{
	reflect.TypeFor[string]():    "text",
	reflect.TypeFor[int64]():     "bigint",
	reflect.TypeFor[int]():       "bigint",
	reflect.TypeFor[float64]():   "double precision",
	reflect.TypeFor[bool]():      "boolean",
	reflect.TypeFor[time.Time](): "timestamp with time zone",
}

// ArrayOf returns the array type of slice type t, or false when t is not a
// slice of a supported scalar.
func ArrayOf(t reflect.Type) (Array, bool) {
	if t.Kind() != reflect.Slice {
		return Array{}, false
	}
	if _, ok := arrayElems[t.Elem()]; !ok {
		return Array{}, false
	}
	return Array{elem: t.Elem()}, true
}

// ArrayElemTypes lists the element types type=array supports.
func ArrayElemTypes() string { return "string, int64, int, float64, bool, time.Time" }

// ToDatabase returns a copy of the slice (a nil slice as an empty one), so
// that a snapshot does not share the field's backing array.
func (a Array) ToDatabase(v any) (any, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || rv.Type().Elem() != a.elem {
		return nil, fmt.Errorf("array of %s: got %T", a.elem, v)
	}
	out := reflect.MakeSlice(rv.Type(), rv.Len(), rv.Len())
	reflect.Copy(out, rv)
	return out.Interface(), nil
}

// ToDialect gives PostgreSQL and MongoDB the slice itself (ints as int64),
// the other databases its JSON text.
func (a Array) ToDialect(dialect string, v any) (any, error) {
	switch dialect {
	case "postgres", "mongo":
		if ints, ok := v.([]int); ok {
			out := make([]int64, len(ints))
			for i, n := range ints {
				out[i] = int64(n)
			}
			return out, nil
		}
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// FromDatabase reads a PostgreSQL array (as pgx returns it: []any or a
// typed slice), JSON text or a BSON array into dst, a *[]T.
func (a Array) FromDatabase(src any, dst any) error {
	out := reflect.ValueOf(dst).Elem()
	switch s := src.(type) {
	case []byte:
		src = string(s)
	}
	if s, ok := src.(string); ok {
		s = strings.TrimSpace(s)
		if !strings.HasPrefix(s, "[") {
			return fmt.Errorf("array of %s: cannot read %q (want a JSON array)", a.elem, truncateText(s, 40))
		}
		n := reflect.New(out.Type())
		if err := json.Unmarshal([]byte(s), n.Interface()); err != nil {
			return fmt.Errorf("array of %s: %w", a.elem, err)
		}
		out.Set(n.Elem())
	} else {
		rv := reflect.ValueOf(src)
		if rv.Kind() != reflect.Slice {
			return fmt.Errorf("array of %s: cannot read %T", a.elem, src)
		}
		n := reflect.MakeSlice(out.Type(), rv.Len(), rv.Len())
		for i := range rv.Len() {
			if err := setElem(n.Index(i), rv.Index(i).Interface()); err != nil {
				return fmt.Errorf("array of %s: element %d: %w", a.elem, i, err)
			}
		}
		out.Set(n)
	}
	if out.IsNil() {
		out.Set(reflect.MakeSlice(out.Type(), 0, 0))
	}
	return nil
}

func setElem(dst reflect.Value, v any) error {
	if v == nil {
		return fmt.Errorf("NULL elements are not supported")
	}
	if tv, ok := v.(interface{ Time() time.Time }); ok && dst.Type() == reflect.TypeFor[time.Time]() {
		v = tv.Time() // BSON dates
	}
	rv := reflect.ValueOf(v)
	switch dst.Kind() {
	case reflect.Int, reflect.Int64:
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			dst.SetInt(rv.Int())
			return nil
		case reflect.Float64, reflect.Float32:
			if f := rv.Float(); f == float64(int64(f)) {
				dst.SetInt(int64(f))
				return nil
			}
		}
	case reflect.Float64:
		switch rv.Kind() {
		case reflect.Float64, reflect.Float32:
			dst.SetFloat(rv.Float())
			return nil
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			dst.SetFloat(float64(rv.Int()))
			return nil
		}
	default:
		if rv.Type().AssignableTo(dst.Type()) {
			dst.Set(rv)
			return nil
		}
	}
	return fmt.Errorf("cannot store %T in %s", v, dst.Type())
}

// ColumnType is the native array type on PostgreSQL, json on MySQL and
// MariaDB, text on SQLite.
func (a Array) ColumnType(dialect string, _ *Property) string {
	switch dialect {
	case "postgres":
		return arrayElems[a.elem] + "[]"
	case "mysql", "mariadb":
		return "json"
	case "sqlite":
		return "text"
	}
	return ""
}

// Equal compares two values element by element (times by instant).
func (a Array) Equal(x, y any) bool {
	rx, ry := reflect.ValueOf(x), reflect.ValueOf(y)
	if rx.Kind() != reflect.Slice || ry.Kind() != reflect.Slice || rx.Len() != ry.Len() {
		return false
	}
	for i := range rx.Len() {
		ex, ey := rx.Index(i).Interface(), ry.Index(i).Interface()
		if tx, ok := ex.(time.Time); ok {
			ty, ok := ey.(time.Time)
			if !ok || !tx.Equal(ty) {
				return false
			}
			continue
		}
		if ex != ey {
			return false
		}
	}
	return true
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
