package types_test

import (
	"context"
	"fmt"
	"log"
	"reflect"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Color is a user-defined type stored as "#rrggbb".
type Color struct{ R, G, B uint8 }

type colorType struct{}

func (colorType) ToDatabase(v any) (any, error) {
	c := v.(Color)
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B), nil
}

func (colorType) FromDatabase(src, dst any) error {
	_, err := fmt.Sscanf(src.(string), "#%02x%02x%02x", &dst.(*Color).R, &dst.(*Color).G, &dst.(*Color).B)
	return err
}

func (colorType) ColumnType(dialect string, _ *meta.Property) string { return "char(7)" }

func (colorType) Equal(a, b any) bool { return strings.EqualFold(a.(string), b.(string)) }

type Paint struct {
	ID    int64 `orm:"pk"`
	Name  string
	Price decimal.Decimal `orm:"precision=10,scale=2"` // built in: exact
	Color Color           // Config.Types
}

// Custom types map Go types to columns: exact decimals are built in, and a
// Config.Types entry adds your own.
func Example_customTypes() {
	ctx := context.Background()
	orm, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{
		Entities: []any{Paint{}},
		Types:    map[reflect.Type]meta.Type{reflect.TypeFor[Color](): colorType{}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer orm.Close()
	if err := orm.CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}
	m := orm.Fork()
	tenth := decimal.RequireFromString("0.10")
	p := &Paint{Name: "sky", Price: tenth.Add(decimal.RequireFromString("0.20")), Color: Color{0, 0x80, 0xff}}
	if err := m.Persist(p); err != nil {
		log.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	got, _ := em.FindOne[Paint](ctx, orm.Fork(), qb.Cond{"color": Color{0, 0x80, 0xff}})
	fmt.Println(got.Name, got.Price, got.Color)
	// Output: sky 0.3 {0 128 255}
}
