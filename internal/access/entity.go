package access

import (
	"fmt"
	"reflect"
	"unsafe"
)

// PtrOf returns the address of the struct v points to: v must be a non-nil
// pointer of type want (an entity's PtrType); name names the entity in
// errors.
func PtrOf(name string, want reflect.Type, v any) (unsafe.Pointer, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Type() != want {
		return nil, fmt.Errorf("meta: %s: got %T, want %s", name, v, want)
	}
	if rv.IsNil() {
		return nil, fmt.Errorf("meta: %s: nil pointer", name)
	}
	return rv.UnsafePointer(), nil
}
