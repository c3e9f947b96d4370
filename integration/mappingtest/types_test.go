package mappingtest

import (
	"context"
	"database/sql/driver"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Point is a user-defined custom type, stored as "x;y" text.
type Point struct{ X, Y int }

type pointType struct{}

func (pointType) ToDatabase(v any) (any, error) {
	p := v.(Point)
	return fmt.Sprintf("%d;%d", p.X, p.Y), nil
}

func (pointType) FromDatabase(src any, dst any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("point from %T", src)
	}
	_, err := fmt.Sscanf(s, "%d;%d", &dst.(*Point).X, &dst.(*Point).Y)
	return err
}

func (pointType) ColumnType(string, *meta.Property) string { return "" } // varchar(255)

func (pointType) Equal(a, b any) bool { return a == b }

var testTypes = map[reflect.Type]meta.Type{reflect.TypeFor[Point](): pointType{}}

// Product has exact decimals (built in), a user-defined type and JSON.
type Product[K Key] struct {
	ID    K `orm:"pk"`
	Name  string
	Price decimal.Decimal  `orm:"precision=20,scale=4"`
	Cost  *decimal.Decimal // nullable
	Spot  Point
	Attrs map[string]any `orm:"type=json"`
}

func (Product[K]) TableName() string { return "m_product" }

func productModel[K Key]() []any { return []any{Product[K]{}} }

// TestCustomTypes: decimals keep every digit (read back raw as text, no
// float on the way), a value the database pads to its scale is not a
// change, one changed decimal writes one column; a user-defined type
// round-trips and is usable in conditions; a JSON map rebuilt in another
// order is not a change.
func TestCustomTypes(t *testing.T) {
	forEach(t, productModel[int64](), productModel[string](), nil, nil,
		func(t *testing.T, e *env) { checkCustomTypes[int64](t, e) },
		func(t *testing.T, e *env) { checkCustomTypes[string](t, e) })
}

func checkCustomTypes[K Key](t *testing.T, e *env) {
	ctx := context.Background()
	big := decimal.RequireFromString("1234567890123456.0001")
	m := e.fork()
	p1 := &Product[K]{Name: "a", Price: big, Spot: Point{3, 4}, Attrs: map[string]any{"b": 1.0, "a": []any{"x"}}}
	p2 := &Product[K]{Name: "b", Price: decimal.RequireFromString("1.5"), Spot: Point{-1, 7}}
	tenth := decimal.RequireFromString("0.1")
	cost := tenth.Add(decimal.RequireFromString("0.2"))
	p2.Cost = &cost
	if err := m.Persist(p1, p2); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	raw := e.rawRow(t, "m_product", rawID(p1.ID))
	if s := rawText(raw["price"]); !strings.HasPrefix(s, "1234567890123456.0001") {
		t.Errorf("raw price = %v (%T)", raw["price"], raw["price"])
	}
	if s := rawText(raw["spot"]); s != "3;4" {
		t.Errorf("raw spot = %v", raw["spot"])
	}

	rm := e.fork()
	l1, err := em.FindOneOrFail[Product[K]](ctx, rm, p1.ID)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := em.FindOneOrFail[Product[K]](ctx, rm, p2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !l1.Price.Equal(big) || l1.Cost != nil || l1.Spot != (Point{3, 4}) || l1.Attrs["b"] != 1.0 {
		t.Errorf("reloaded %+v", l1)
	}
	if l2.Cost == nil || !l2.Cost.Equal(decimal.RequireFromString("0.3")) || !l2.Price.Equal(decimal.RequireFromString("1.5")) {
		t.Errorf("reloaded %+v (cost %v)", l2, l2.Cost)
	}
	if rm.IsDirty(l1) || rm.IsDirty(l2) {
		t.Errorf("reloaded entities are dirty (a padded decimal counted as a change)")
	}
	// A map with the same content, built in another order: no change.
	l1.Attrs = map[string]any{"a": []any{"x"}, "b": 1.0}
	if rm.IsDirty(l1) {
		t.Errorf("a re-ordered JSON map is a change")
	}

	update := func(fn func(), want string) {
		t.Helper()
		fn()
		mark := e.rec.mark()
		if err := rm.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		got := e.updates(mark)
		if len(got) != 1 || !slices.Equal(got[0], []string{want}) {
			t.Errorf("update wrote %v, want only %s", got, want)
		}
	}
	update(func() { l1.Price = l1.Price.Add(decimal.RequireFromString("0.0001")) }, "price")
	update(func() { l2.Spot = Point{8, 9} }, "spot")
	update(func() { l2.Cost = nil }, "cost")

	// Conditions take Go values of the type.
	found, err := em.Find[Product[K]](ctx, e.fork(), qb.Cond{"spot": Point{8, 9}})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Name != "b" {
		t.Errorf("spot = (8,9): %v", found)
	}
	back, err := em.FindOneOrFail[Product[K]](ctx, e.fork(), p1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := decimal.RequireFromString("1234567890123456.0002"); !back.Price.Equal(want) {
		t.Errorf("price after update = %s, want %s", back.Price, want)
	}
}

// rawText is a raw column value as text (drivers return strings, bytes or
// their own numeric types).
func rawText(v any) string {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	case driver.Valuer: // pgtype.Numeric
		v, err := x.Value()
		if err == nil {
			return rawText(v)
		}
	}
	return fmt.Sprintf("%v", v)
}
