package sqldb

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestTextDestCopies: each string a textDest stores is a copy of the bytes
// it was handed (drivers reuse their buffers for the next row), whatever
// its length and however many share a chunk. Seeded.
func TestTextDestCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var a textArena
	a.expect(rng.IntN(4096))
	buf := make([]byte, 0, 4096)
	var got []string
	var want []string
	for range 5000 {
		n := rng.IntN(40)
		if rng.IntN(20) == 0 {
			n = rng.IntN(3 * textOwnMin)
		}
		buf = buf[:0]
		for range n {
			buf = append(buf, byte('a'+rng.IntN(26)))
		}
		var s string
		d := &textDest{p: &s, a: &a}
		if err := d.ScanBytes(buf); err != nil {
			t.Fatal(err)
		}
		want = append(want, string(buf))
		got = append(got, s)
		for i := range buf {
			buf[i] = '#' // the driver's next row
		}
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("string %d is %q, want %q", i, got[i], want[i])
		}
	}
}

// TestTextDestConverts: a textDest stores driver values as database/sql
// stores them into a *string, and refuses NULL.
func TestTextDestConverts(t *testing.T) {
	var s string
	d := &textDest{p: &s, a: &textArena{}}
	when := time.Date(2026, 12, 6, 1, 2, 3, 4, time.UTC)
	for _, c := range []struct {
		src  any
		want string
	}{
		{"text", "text"}, {[]byte("bytes"), "bytes"}, {[]byte{}, ""}, {int64(-42), "-42"},
		{1.5, "1.5"}, {true, "true"}, {when, when.Format(time.RFC3339Nano)},
	} {
		if err := d.Scan(c.src); err != nil || s != c.want {
			t.Errorf("Scan(%#v): %q, %v; want %q", c.src, s, err, c.want)
		}
	}
	s = "kept"
	if err := d.Scan(nil); !errors.Is(err, errNullText) || s != "kept" {
		t.Errorf("Scan(nil): %v, field %q", err, s)
	}
	if err := d.ScanBytes(nil); !errors.Is(err, errNullText) || s != "kept" {
		t.Errorf("ScanBytes(nil): %v, field %q", err, s)
	}
	long := strings.Repeat("x", 3*textOwnMin)
	if err := d.ScanBytes([]byte(long)); err != nil || s != long {
		t.Errorf("a long text: %v", err)
	}
}
