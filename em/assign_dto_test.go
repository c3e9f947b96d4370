package em_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/meta"
)

// Cents is a decimal type that reads JSON numbers with two decimals.
type Cents int64

func (c *Cents) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*c = Cents(math.Round(f * 100))
	return nil
}

type Numbers struct {
	ID   int64 `orm:"pk"`
	I8   int8
	U16  uint16
	I32  int32
	U64  uint64
	I    int
	F    float64
	Amt  Cents
	At   time.Time
	Opt  *time.Time
	PInt *int32
}

func numbersEM(t *testing.T) *em.EntityManager {
	t.Helper()
	reg := meta.NewRegistry()
	if err := reg.Register(Numbers{}); err != nil {
		t.Fatal(err)
	}
	root, err := em.New(em.Config{Registry: reg, Driver: fakeDriver{&fakeExec{}}})
	if err != nil {
		t.Fatal(err)
	}
	return root.Fork()
}

// TestDTONumbersModel: for random values and every integer property, a
// JSON number (float64 or json.Number) is stored exactly when it is whole
// and fits the type, and is otherwise an ErrInvalidData naming the property.
func TestDTONumbersModel(t *testing.T) {
	m := numbersEM(t)
	r := rand.New(rand.NewPCG(16, 2))
	limits := map[string][2]float64{"i8": {math.MinInt8, math.MaxInt8}, "u16": {0, math.MaxUint16},
		"i32": {math.MinInt32, math.MaxInt32}, "pInt": {math.MinInt32, math.MaxInt32}}
	for range 2000 {
		prop := []string{"i8", "u16", "i32", "pInt"}[r.IntN(4)]
		v := float64(r.IntN(1<<34) - 1<<33)
		if r.IntN(4) == 0 {
			v = float64(r.IntN(300) - 150)
		}
		if r.IntN(5) == 0 {
			v += 0.5
		}
		lim := limits[prop]
		fits := v == math.Trunc(v) && v >= lim[0] && v <= lim[1]
		for _, number := range []bool{false, true} {
			var val any = v
			if number {
				val = json.Number(strconv.FormatFloat(v, 'f', -1, 64))
			}
			n, err := em.Create[Numbers](m, map[string]any{prop: val})
			if fits != (err == nil) {
				t.Fatalf("%s = %v (json.Number %v): err %v, fits %v", prop, v, number, err, fits)
			}
			if err != nil {
				var pe *em.PropertyError
				if !errors.As(err, &pe) || pe.Property != prop || !errors.Is(err, em.ErrInvalidData) {
					t.Fatalf("%s = %v: %v", prop, v, err)
				}
				continue
			}
			var got int64
			switch prop {
			case "i8":
				got = int64(n.I8)
			case "u16":
				got = int64(n.U16)
			case "i32":
				got = int64(n.I32)
			case "pInt":
				got = int64(*n.PInt)
			}
			if float64(got) != v {
				t.Fatalf("%s = %v stored %d", prop, v, got)
			}
		}
	}
}

// TestDTOScalars: decimals through UnmarshalJSON, RFC 3339 times (also
// into a pointer), big unsigned integers as json.Number.
func TestDTOScalars(t *testing.T) {
	m := numbersEM(t)
	body := `{"amt": 12.34, "at": "2024-05-06T07:08:09.123+02:00", "opt": "2024-01-02T03:04:05Z",
		"u64": 18446744073709551615, "i": 42, "f": 1.25}`
	d := json.NewDecoder(strings.NewReader(body))
	d.UseNumber()
	var data map[string]any
	if err := d.Decode(&data); err != nil {
		t.Fatal(err)
	}
	n, err := em.Create[Numbers](m, data)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 6, 5, 8, 9, 123_000_000, time.UTC)
	if n.Amt != 1234 || !n.At.Equal(at) || n.Opt == nil || n.Opt.Year() != 2024 || n.U64 != math.MaxUint64 || n.I != 42 || n.F != 1.25 {
		t.Errorf("stored %+v", n)
	}
	for _, c := range []struct {
		data map[string]any
		path string
	}{
		{map[string]any{"at": "2024-13-01"}, "at"},
		{map[string]any{"amt": "abc"}, "amt"},
		{map[string]any{"u64": -1.0}, "u64"},
		{map[string]any{"i": "12"}, "i"},
	} {
		_, err := em.Create[Numbers](m, c.data)
		var pe *em.PropertyError
		if !errors.As(err, &pe) || pe.Property != c.path {
			t.Errorf("%v: %v, want an error on %s", c.data, err, c.path)
		}
	}
}
