package uow

import (
	"unsafe"

	"github.com/unitorm/unitorm/internal/access"
	"github.com/unitorm/unitorm/meta"
)

// PtrOf returns the address of the entity v points to; v must be a non-nil
// *T of e's type.
func PtrOf(e *meta.Entity, v any) (unsafe.Pointer, error) {
	return access.PtrOf(e.Name, e.PtrType, v)
}

// HasPK reports whether every primary-key property of the entity at ptr
// holds a non-zero value.
func HasPK(e *meta.Entity, ptr unsafe.Pointer) bool {
	for _, p := range e.PK {
		if p.At.IsZero(ptr) {
			return false
		}
	}
	return len(e.PK) > 0
}

// PKValues returns the values of the primary-key properties of the entity
// at ptr, in order.
func PKValues(e *meta.Entity, ptr unsafe.Pointer) []any {
	out := make([]any, len(e.PK))
	for i, p := range e.PK {
		out[i] = p.At.Interface(ptr)
	}
	return out
}
