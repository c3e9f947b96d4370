package uow

import (
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"github.com/unitorm/unitorm/internal/access"
	"github.com/unitorm/unitorm/meta"
)

// EmbeddableIsNil reports whether a pointer embeddable is nil in the entity
// at ptr (or unreachable behind a nil parent).
func EmbeddableIsNil(em *meta.Embeddable, ptr unsafe.Pointer) bool {
	s := em.At.Slot(ptr)
	return s == nil || (em.Nullable && *(*unsafe.Pointer)(s) == nil)
}

// sharedStructs are the pointer fields on the way to e's properties: Go
// structs embedded by pointer (type T struct{ *Base }) and pointer
// embeddables (tag embedded). A shallow copy of an entity shares what they
// point to with the original; cloneShared gives the copy its own. Each is
// the path to the pointer field itself (the slot), outer ones first.
type sharedStruct struct {
	slot access.Path
	typ  reflect.Type // the struct pointed to
}

func sharedStructs(e *meta.Entity) []sharedStruct {
	var out []sharedStruct
	seen := map[string]bool{}
	for _, p := range e.Props {
		steps := p.At.Steps
		for i, st := range steps {
			if !st.Deref {
				continue
			}
			slot := append(append(access.Path(nil), steps[:i]...), access.Step{Offset: st.Offset})
			key := fmt.Sprint(slot)
			if !seen[key] {
				seen[key] = true
				out = append(out, sharedStruct{slot: slot, typ: st.Type})
			}
		}
	}
	// Outer first: an inner slot is reached through the outer clone.
	slices.SortStableFunc(out, func(a, b sharedStruct) int { return len(a.slot) - len(b.slot) })
	return out
}

// cloneShared gives the entity at dst, a shallow copy of another, its own
// copies of the structs it reaches through pointers (see sharedStructs).
func cloneShared(shared []sharedStruct, dst unsafe.Pointer) {
	for _, sh := range shared {
		s := sh.slot.Slot(dst)
		if s == nil || *(*unsafe.Pointer)(s) == nil {
			continue
		}
		n := reflect.New(sh.typ)
		n.Elem().Set(reflect.NewAt(sh.typ, *(*unsafe.Pointer)(s)).Elem())
		*(*unsafe.Pointer)(s) = n.UnsafePointer()
	}
}
