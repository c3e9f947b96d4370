package uow

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// Custom types (meta.Type): values travel through ToDatabase, and change
// detection compares database values with the type's Equal.

// customValue is the database value of a custom-typed field at fp.
func customValue(p *meta.Property, fp unsafe.Pointer) (any, error) {
	v := reflect.NewAt(p.Type, fp).Elem()
	if p.Wrap == meta.WrapPointer {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	out, err := p.CustomType().ToDatabase(v.Interface())
	if err != nil {
		return nil, fmt.Errorf("uow: %s: %w", p, err)
	}
	if dt, ok := p.CustomType().(meta.DialectType); ok {
		// Bound per database by the driver (meta.DialectValue).
		return meta.DialectArg{Type: dt, V: out}, nil
	}
	return out, nil
}

// sameCustom compares two database values of a custom-typed property.
func sameCustom(p *meta.Property, a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if x, ok := a.(meta.DialectArg); ok {
		a = x.V
	}
	if x, ok := b.(meta.DialectArg); ok {
		b = x.V
	}
	return p.CustomType().Equal(a, b)
}

// noArrayForm reports whether e has a column of a meta.DialectType: the
// PostgreSQL unnest forms cast each column to an array of its type, which
// a value that is itself an array (or JSON per database) does not fit, so
// steps of e use the multi-row forms.
func noArrayForm(e *meta.Entity) bool {
	return e.Derived(noArrayKey{}, func() any {
		for _, c := range e.Columns {
			if c.Prop != nil && c.Prop.Kind == meta.Scalar && c.Prop.CustomType() != nil {
				if _, ok := c.Prop.CustomType().(meta.DialectType); ok {
					return true
				}
			}
		}
		return false
	}).(bool)
}

type noArrayKey struct{}
