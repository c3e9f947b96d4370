package uow

import (
	"reflect"
	"unsafe"

	"github.com/unitorm/unitorm/meta"
)

// CopierOf returns the copy function of e's Go type: what *dst = *src does
// for two instances (shallow, like assignment), without reflection.
func CopierOf(e *meta.Entity) func(dst, src unsafe.Pointer) { return infoOf(e).copier() }

func (ti *typeInfo) copier() func(dst, src unsafe.Pointer) {
	if f := ti.typedCopy.Load(); f != nil {
		return *f
	}
	return ti.copyValue
}

// UseCopier gives e's loads and snapshots fn, assignment compiled for e's Go
// type (the generic API knows the type; the layout-driven copier is what
// they use until then, a few times slower per copy). Safe for concurrent
// use; the first function given stays.
func UseCopier(e *meta.Entity, fn func(dst, src unsafe.Pointer)) {
	infoOf(e).typedCopy.CompareAndSwap(nil, &fn)
}

// HasCopier reports whether UseCopier gave e its copier.
func HasCopier(e *meta.Entity) bool { return infoOf(e).typedCopy.Load() != nil }

// copyRun is one step of a copier: a pointer word, or a run of n bytes
// without pointers.
type copyRun struct {
	off, n uintptr
	ptr    bool
}

const wordSize = unsafe.Sizeof(uintptr(0))

// copierOf returns a function copying a value of type t from src to dst,
// both addresses of values of t. It walks a list of runs worked out once
// from t's layout: each pointer word is stored as a pointer (so the
// garbage collector's write barrier sees it), the words between them are
// copied as plain words. It does what dst = src does for a t, at a
// fraction of reflect.Value.Set's cost per call.
func copierOf(t reflect.Type) func(dst, src unsafe.Pointer) {
	runs := layoutRuns(t, 0, nil)
	return func(dst, src unsafe.Pointer) {
		for _, r := range runs {
			d, s := unsafe.Add(dst, r.off), unsafe.Add(src, r.off)
			switch {
			case r.ptr:
				*(*unsafe.Pointer)(d) = *(*unsafe.Pointer)(s)
			case r.n%wordSize == 0:
				for i := uintptr(0); i < r.n; i += wordSize {
					*(*uintptr)(unsafe.Add(d, i)) = *(*uintptr)(unsafe.Add(s, i))
				}
			default:
				copy(unsafe.Slice((*byte)(d), r.n), unsafe.Slice((*byte)(s), r.n))
			}
		}
	}
}

// layoutRuns appends the runs of a value of type t at offset base.
// Padding is copied with the scalar words around it; adjacent scalar
// runs merge.
func layoutRuns(t reflect.Type, base uintptr, runs []copyRun) []copyRun {
	scalar := func(off, n uintptr) {
		if n == 0 {
			return
		}
		if k := len(runs) - 1; k >= 0 && !runs[k].ptr && runs[k].off+runs[k].n == off {
			runs[k].n += n
			return
		}
		runs = append(runs, copyRun{off: off, n: n})
	}
	pointer := func(off uintptr) { runs = append(runs, copyRun{off: off, n: wordSize, ptr: true}) }
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		pointer(base)
	case reflect.String:
		pointer(base)
		scalar(base+wordSize, wordSize)
	case reflect.Slice:
		pointer(base)
		scalar(base+wordSize, 2*wordSize)
	case reflect.Interface:
		pointer(base)
		pointer(base + wordSize)
	case reflect.Struct:
		end := base
		for i := range t.NumField() {
			f := t.Field(i)
			scalar(end, base+f.Offset-end)
			runs = layoutRuns(f.Type, base+f.Offset, runs)
			end = base + f.Offset + f.Type.Size()
		}
		scalar(end, base+t.Size()-end)
	case reflect.Array:
		if !hasPointers(t.Elem()) {
			scalar(base, t.Size())
			break
		}
		for i := range t.Len() {
			runs = layoutRuns(t.Elem(), base+uintptr(i)*t.Elem().Size(), runs)
		}
	default:
		scalar(base, t.Size())
	}
	return runs
}

func hasPointers(t reflect.Type) bool {
	for _, r := range layoutRuns(t, 0, nil) {
		if r.ptr {
			return true
		}
	}
	return false
}
