package uow

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/unitorm/unitorm/meta"
)

type kfI8 struct {
	ID int8 `orm:"pk"`
}
type kfU16 struct {
	ID uint16 `orm:"pk"`
}
type kfI32 struct {
	ID int32 `orm:"pk"`
}
type kfU64 struct {
	ID uint64 `orm:"pk"`
}
type kfInt struct {
	ID int `orm:"pk"`
}

// TestKeyForFastPath checks that KeyFor's integer shortcut gives the key
// (or the error) that storing the value into a fresh instance and reading
// its key back gives, for every integer kind, at the kinds' limits and at
// random values.
func TestKeyForFastPath(t *testing.T) {
	reg := meta.NewRegistry()
	types := []any{kfI8{}, kfU16{}, kfI32{}, kfU64{}, kfInt{}}
	if err := reg.Register(types...); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	vals := []int64{0, 1, -1, 127, 128, -128, -129, 255, 256, 65535, 65536, math.MaxInt32, math.MaxInt32 + 1,
		math.MinInt32, math.MinInt32 - 1, math.MaxInt64, math.MinInt64}
	for range 200 {
		vals = append(vals, r.Int64(), -r.Int64N(1<<20), r.Int64N(1<<17))
	}
	for _, typ := range types {
		e, _ := reg.Entity(reflect.TypeOf(typ))
		for _, v := range vals {
			for _, arg := range []any{v, int(v), int32(v)} {
				got, gerr := KeyFor(e, arg)
				// The slow path: store, read back.
				tmp := e.NewValue().UnsafePointer()
				want, werr := Key{}, setKeyValue(e.PK[0], tmp, arg)
				if werr == nil {
					var ok bool
					if want, ok = KeyOf(e, tmp); !ok {
						want, werr = Key{}, ErrInvalidKey
					}
				}
				if (gerr == nil) != (werr == nil) || got != want {
					t.Fatalf("%s KeyFor(%T %v) = %v, %v; storing gives %v, %v", e.Name, arg, arg, got, gerr, want, werr)
				}
			}
		}
	}
}
