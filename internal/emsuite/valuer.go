package emsuite

import (
	"context"
	"database/sql/driver"
	"fmt"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// Cents is an amount held in whole units in Go and stored in cents: a
// named integer type with its own Value and Scan.
type Cents int64

func (c Cents) Value() (driver.Value, error) { return int64(c) * 100, nil }

func (c *Cents) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*c = Cents(v / 100)
	case []byte:
		var n int64
		if _, err := fmt.Sscan(string(v), &n); err != nil {
			return err
		}
		*c = Cents(n / 100)
	default:
		return fmt.Errorf("Cents: cannot scan %T", src)
	}
	return nil
}

type Priced struct {
	ID    int64 `orm:"pk"`
	Price Cents
}

// TestNamedIntegerValuerIsUsed: a field of a named integer type with its
// own Value method is written through it, on insert, update and in
// conditions, and read back through Scan.
func TestNamedIntegerValuerIsUsed(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) { c.Entities = append(c.Entities, Priced{}) }, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		p := &Priced{Price: 7}
		if err := persistFlush(ctx, m, p); err != nil {
			t.Fatal(err)
		}
		var stored int64
		if err := qb.Select("price").From("priced").Where(qb.Cond{"id": p.ID}).Scan(ctx, e.orm.SQL(), &stored); err != nil {
			t.Fatal(err)
		}
		if stored != 700 {
			t.Errorf("stored %d after insert, want 700 (Value's cents)", stored)
		}
		p.Price = 9
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := qb.Select("price").From("priced").Where(qb.Cond{"id": p.ID}).Scan(ctx, e.orm.SQL(), &stored); err != nil {
			t.Fatal(err)
		}
		if stored != 900 {
			t.Errorf("stored %d after update, want 900", stored)
		}
		got, err := em.Find[Priced](ctx, e.fork(), qb.Cond{"price": Cents(9)})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Price != 9 {
			t.Errorf("find by price 9: %+v", got)
		}
	})
}
