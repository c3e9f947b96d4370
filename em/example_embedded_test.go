package em_test

import (
	"context"
	"fmt"
	"log"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

type Address struct {
	Street string
	City   string
}

// Venue stores Address inline: address_street, address_city, and the
// nullable Billing as billing_street, billing_city.
type Venue struct {
	ID      int64 `orm:"pk"`
	Name    string
	Address Address  `orm:"embedded"`
	Billing *Address `orm:"embedded"`
}

// Embeddables are stored inline with a column prefix, queried by path, and
// tracked field by field.
func Example_embeddables() {
	ctx := context.Background()
	var sqls []string
	orm, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{Entities: []any{Venue{}},
		OnQuery: func(ev unitorm.QueryEvent) { sqls = append(sqls, ev.SQL) }})
	if err != nil {
		log.Fatal(err)
	}
	defer orm.Close()
	if err := orm.CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}
	m := orm.Fork()
	if err := m.Persist(&Venue{Name: "Hall", Address: Address{Street: "1 Quay", City: "Oslo"}}); err != nil {
		log.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	r := orm.Fork()
	v, _ := em.FindOne[Venue](ctx, r, qb.Cond{"address.city": "Oslo"})
	fmt.Println(v.Name, v.Address.Street, v.Billing == nil)
	v.Address.City = "Bergen"
	sqls = nil
	if err := r.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(sqls[0])
	// Output:
	// Hall 1 Quay true
	// UPDATE "venue" SET "address_city" = ? WHERE "id" = ?
}
