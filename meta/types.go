package meta

import (
	"fmt"
	"reflect"
)

// Type is a custom mapping between a Go type and a column (MikroORM's
// custom types). Register it for its Go type with WithType; every field of
// that type (or a pointer to it, for a nullable column) then uses it.
type Type interface {
	// ToDatabase converts a field's value (never a nil pointer: NULL is
	// handled before) into what the database driver stores.
	ToDatabase(v any) (any, error)
	// FromDatabase stores src, a non-NULL value as the driver (or MongoDB)
	// returns it (int64, float64, string, []byte, time.Time, ...), into dst,
	// a pointer to the Go type.
	FromDatabase(src any, dst any) error
	// ColumnType is the SQL type on a dialect ("postgres", "mysql",
	// "mariadb", "sqlite") for property p (whose Length, Precision and Scale
	// the tags set); "" leaves the type to the property's logical type.
	ColumnType(dialect string, p *Property) string
	// Equal reports whether two database values (results of ToDatabase)
	// mean the same, for change detection: a value that reads back in
	// another form (1.50 and 1.5) is not a change.
	Equal(a, b any) bool
}

// WithType maps the Go type goType (the field's type without pointer) to
// the custom type t.
func WithType(goType reflect.Type, t Type) Option {
	return func(r *Registry) {
		if r.types == nil {
			r.types = map[reflect.Type]Type{}
		}
		r.types[goType] = t
	}
}

// CustomType is the custom type of a property (Codec CodecType), or nil.
func (p *Property) CustomType() Type { return p.custom }

// customScalar classifies a field whose Go type has a custom type.
func (b *builder) customScalar(ft reflect.Type, spec *tagSpec) (scalarInfo, bool) {
	t := ft
	var si scalarInfo
	if t.Kind() == reflect.Pointer {
		si.wrap = WrapPointer
		t = t.Elem()
	}
	ct, ok := b.types[t]
	if !ok {
		return si, false
	}
	si.base, si.codec, si.custom = t, CodecType, ct
	si.colType = TypeString
	if lt, ok := logicalType(spec.typ); ok {
		si.colType = lt
	} else if lt, ok := parameterizedType(spec); ok {
		si.colType = lt
	} else if spec.typ != "" {
		si.sqlType = spec.typ
	}
	return si, true
}

// FromDatabaseInto runs p's custom type on a non-NULL src into the field at
// fieldPtr (allocating the value of a pointer field).
func (p *Property) FromDatabaseInto(fieldPtr reflect.Value, src any) error {
	if p.custom == nil {
		return fmt.Errorf("meta: %s has no custom type", p)
	}
	dst := fieldPtr
	if p.Wrap == WrapPointer {
		n := reflect.New(p.BaseType)
		fieldPtr.Elem().Set(n)
		dst = n
	}
	if err := p.custom.FromDatabase(src, dst.Interface()); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}

// arrayScalar classifies a slice field tagged type=array (see Array).
func arrayScalar(ft reflect.Type) (scalarInfo, bool) {
	t := ft
	var si scalarInfo
	if t.Kind() == reflect.Pointer {
		si.wrap = WrapPointer
		t = t.Elem()
	}
	at, ok := ArrayOf(t)
	if !ok {
		return si, false
	}
	si.base, si.codec, si.custom, si.colType = t, CodecType, at, TypeText
	return si, true
}
