package em

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"
)

// FuzzDecodeCursor: any string given as a cursor is either a cursor this
// key signed for this order, or ErrInvalidCursor; decoding never panics.
func FuzzDecodeCursor(f *testing.F) {
	key := []byte("0123456789abcdef0123456789abcdef")
	good, err := encodeCursor(key, "Book|price:true:1|id:false:0", []any{int64(3), "x", nil})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, "", "AAAA", good[:len(good)-1], good + "A", "%%%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vals, err := decodeCursor(key, "Book|price:true:1|id:false:0", s, 3)
		if err != nil {
			if !errors.Is(err, ErrInvalidCursor) {
				t.Fatalf("%q: %v, want ErrInvalidCursor", s, err)
			}
			return
		}
		if len(vals) != 3 {
			t.Fatalf("%q: %d values", s, len(vals))
		}
	})
}

// TestCursorCodecRoundTrip: every kind of order value comes back equal,
// and a cursor is bound to its key and order.
func TestCursorCodecRoundTrip(t *testing.T) {
	key := []byte("k")
	ts := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	vals := []any{nil, int64(-42), uint64(math.MaxUint64), 3.141592653589793, "a:b\"c", true, ts, []byte{0, 1, 2}}
	c, err := encodeCursor(key, "fp", vals)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeCursor(key, "fp", c, len(vals))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		switch x := v.(type) {
		case time.Time:
			if !x.Equal(got[i].(time.Time)) {
				t.Errorf("value %d: %v, want %v", i, got[i], v)
			}
		case []byte:
			if !bytes.Equal(x, got[i].([]byte)) {
				t.Errorf("value %d: %v, want %v", i, got[i], v)
			}
		default:
			if got[i] != v {
				t.Errorf("value %d: %#v, want %#v", i, got[i], v)
			}
		}
	}
	for _, bad := range []struct{ key, fp string }{{"other", "fp"}, {"k", "fp2"}} {
		if _, err := decodeCursor([]byte(bad.key), bad.fp, c, len(vals)); !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("key %q order %q: %v", bad.key, bad.fp, err)
		}
	}
	if _, err := decodeCursor(key, "fp", c, len(vals)+1); !errors.Is(err, ErrInvalidCursor) {
		t.Errorf("wrong length: %v", err)
	}
}
