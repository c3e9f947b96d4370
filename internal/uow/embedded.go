package uow

import (
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// EmbeddableIsNil reports whether a pointer embeddable is nil in the entity
// at ptr (or unreachable behind a nil parent).
func EmbeddableIsNil(em *meta.Embeddable, ptr unsafe.Pointer) bool {
	s := em.At.Slot(ptr)
	return s == nil || (em.Nullable && *(*unsafe.Pointer)(s) == nil)
}

// CloneEmbedded gives the entity of e at dst, a shallow copy of another, its
// own copies of the pointer embeddables it shares with the original, outer
// ones first.
func CloneEmbedded(e *meta.Entity, dst unsafe.Pointer) {
	for _, em := range e.Embeddeds {
		if !em.Nullable {
			continue
		}
		s := em.At.Slot(dst)
		if s == nil || *(*unsafe.Pointer)(s) == nil {
			continue
		}
		n := reflect.New(em.Type)
		n.Elem().Set(reflect.NewAt(em.Type, *(*unsafe.Pointer)(s)).Elem())
		*(*unsafe.Pointer)(s) = n.UnsafePointer()
	}
}
