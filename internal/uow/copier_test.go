package uow

import (
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"
	"time"
	"unsafe"
)

type copierInner struct {
	B  byte
	P  *int
	I  int32
	At time.Time
}

type copierAll struct {
	A   int8
	S   string
	B   bool
	Bs  []byte
	I16 int16
	P   *string
	F   float32
	M   map[string]int
	Any any
	Arr [3]int16
	PA  [2]*int
	In  copierInner
	Ins []copierInner
	Ptr *copierInner
	C   chan int
	U   uint8 // trailing padding
}

type copierSmall struct {
	A, B byte
	C    int16
}

type copierEmbed struct {
	copierSmall
	Name string
	Tail [5]byte
}

// fillRandom sets every field reachable from v to a random value.
func fillRandom(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(r.Int64())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(r.Uint64())
	case reflect.Float32, reflect.Float64:
		v.SetFloat(r.Float64())
	case reflect.String:
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = byte('a' + r.IntN(26))
		}
		v.SetString(string(b))
	case reflect.Slice:
		if depth > 3 || r.IntN(4) == 0 {
			return
		}
		n := r.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n+r.IntN(3))
		for i := range n {
			fillRandom(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			fillRandom(r, v.Index(i), depth+1)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(r.Int64N(1<<40), r.Int64N(1e9)).In(time.FixedZone("x", 3600))))
			return
		}
		for i := range v.NumField() {
			fillRandom(r, v.Field(i), depth+1)
		}
	case reflect.Pointer:
		if depth > 3 || r.IntN(4) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fillRandom(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Map:
		if r.IntN(3) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range r.IntN(3) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fillRandom(r, k, depth+1)
			fillRandom(r, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Interface:
		switch r.IntN(3) {
		case 1:
			v.Set(reflect.ValueOf(r.Int()))
		case 2:
			v.Set(reflect.ValueOf("s" + time.Duration(r.Int64()).String()))
		}
	case reflect.Chan:
		if r.IntN(2) == 0 {
			v.Set(reflect.MakeChan(v.Type(), 1))
		}
	}
}

// The copier does what assignment does, for every kind of field, with the
// collector running in between (pointer words go through write barriers).
func TestCopierMatchesAssignment(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeFor[copierAll](), reflect.TypeFor[copierInner](), reflect.TypeFor[copierSmall](),
		reflect.TypeFor[copierEmbed](), reflect.TypeFor[[4]copierSmall](), reflect.TypeFor[string](),
	} {
		t.Run(typ.String(), func(t *testing.T) {
			cp := copierOf(typ)
			r := rand.New(rand.NewPCG(uint64(typ.Size()), 7))
			for i := range 300 {
				src := reflect.New(typ)
				fillRandom(r, src.Elem(), 0)
				dst := reflect.New(typ)
				fillRandom(r, dst.Elem(), 0) // overwritten entirely
				cp(dst.UnsafePointer(), src.UnsafePointer())
				if i%50 == 0 {
					runtime.GC()
				}
				if !reflect.DeepEqual(dst.Elem().Interface(), src.Elem().Interface()) {
					t.Fatalf("round %d: copy differs:\n got %#v\nwant %#v", i, dst.Elem().Interface(), src.Elem().Interface())
				}
				// Byte for byte too (DeepEqual treats two chans, maps and
				// pointers by identity only where it must).
				n := typ.Size()
				a := unsafe.Slice((*byte)(dst.UnsafePointer()), n)
				b := unsafe.Slice((*byte)(src.UnsafePointer()), n)
				if string(a) != string(b) {
					t.Fatalf("round %d: bytes differ", i)
				}
			}
		})
	}
}

// Every byte of a type is covered by exactly one run, in order.
func TestCopierRunsCoverType(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[copierAll](), reflect.TypeFor[copierEmbed](), reflect.TypeFor[copierInner]()} {
		end := uintptr(0)
		for _, r := range layoutRuns(typ, 0, nil) {
			if r.off != end {
				t.Fatalf("%s: run at %d, want %d", typ, r.off, end)
			}
			end += r.n
		}
		if end != typ.Size() {
			t.Fatalf("%s: runs end at %d, size %d", typ, end, typ.Size())
		}
	}
}

// Reserve sizes the next block for the values expected (up to 256), and
// values stay distinct, zeroed and handed out in order.
func TestBlocksReserve(t *testing.T) {
	for _, tc := range []struct{ reserve, take, wantBlocks int }{
		{0, 100, 7},    // 1+2+4+8+16+32+64
		{100, 100, 1},  // one block of 100
		{1000, 300, 2}, // 256, then 256 more for the rest expected
		{100, 130, 2},  // 100, then 64 more
	} {
		b := Blocks{Type: reflect.TypeFor[copierSmall]()}
		b.Reserve(tc.reserve)
		seen := map[unsafe.Pointer]bool{}
		blocks := 0
		for range tc.take {
			p := b.Next()
			if seen[p] {
				t.Fatalf("%+v: value handed out twice", tc)
			}
			seen[p] = true
			if *(*copierSmall)(p) != (copierSmall{}) {
				t.Fatalf("%+v: value not zeroed", tc)
			}
			*(*copierSmall)(p) = copierSmall{A: 1}
			if b.used == 1 {
				blocks++
			}
		}
		if blocks != tc.wantBlocks {
			t.Errorf("%+v: %d blocks, want %d", tc, blocks, tc.wantBlocks)
		}
	}
}
