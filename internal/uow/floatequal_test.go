package uow

import (
	"math"
	"reflect"
	"testing"
	"unsafe"
)

// Change detection compares floats by bit pattern: -0 is a change from 0
// (PostgreSQL and MongoDB store it), a NaN is no change from the same NaN
// (or every flush would rewrite it). emsuite's TestFloatsRoundTrip and
// TestNonFiniteFloats check the same on the databases.
func TestFloatChangeIsBitwise(t *testing.T) {
	negZero := math.Copysign(0, -1)
	nan := math.NaN()
	cases := []struct {
		typ  reflect.Type
		a, b any
		same bool
	}{
		{reflect.TypeFor[float64](), 0.0, negZero, false},
		{reflect.TypeFor[float64](), nan, nan, true},
		{reflect.TypeFor[float64](), 1.5, 1.5, true},
		{reflect.TypeFor[float64](), math.Nextafter(1, 2), 1.0, false},
		{reflect.TypeFor[float32](), float32(0), float32(negZero), false},
		{reflect.TypeFor[float32](), float32(nan), float32(nan), true},
		{reflect.TypeFor[*float64](), floatPtr(0.0), floatPtr(negZero), false},
		{reflect.TypeFor[*float64](), floatPtr(nan), floatPtr(nan), true},
		{reflect.TypeFor[*float32](), floatPtr(float32(negZero)), floatPtr(float32(0)), false},
	}
	for _, c := range cases {
		eq, _ := equalFor(c.typ)
		a, b := reflect.New(c.typ), reflect.New(c.typ)
		a.Elem().Set(reflect.ValueOf(c.a))
		b.Elem().Set(reflect.ValueOf(c.b))
		if got := eq(unsafe.Pointer(a.Pointer()), unsafe.Pointer(b.Pointer())); got != c.same {
			t.Errorf("%s: %v vs %v: equal %v, want %v", c.typ, showFloat(c.a), showFloat(c.b), got, c.same)
		}
	}
}

func floatPtr[T any](v T) *T { return &v }

func showFloat(v any) any {
	switch x := v.(type) {
	case *float64:
		return *x
	case *float32:
		return *x
	}
	return v
}
