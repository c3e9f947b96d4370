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
	return out, nil
}

// sameCustom compares two database values of a custom-typed property.
func sameCustom(p *meta.Property, a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return p.CustomType().Equal(a, b)
}
