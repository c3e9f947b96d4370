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

// Animal is the root of a single-table family: every member lives in the
// "animal" table, Kind says which Go type a row is.
type Animal struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator"` // abstract: no rows of its own
	Name string
}

// Dog and Cat embed Animal by value as their first field, tagged with
// their discriminator value.
type Dog struct {
	Animal `orm:"discriminator=dog"`
	Barks  bool
}

type Cat struct {
	Animal `orm:"discriminator=cat"`
	Lives  *int
}

// Single-table inheritance: querying the base returns pointers into the
// concrete instances; a query on a subtype adds the discriminator condition.
func Example_singleTableInheritance() {
	ctx := context.Background()
	var sqls []string
	orm, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{Entities: []any{Animal{}, Dog{}, Cat{}},
		OnQuery: func(ev unitorm.QueryEvent) { sqls = append(sqls, ev.SQL) }})
	if err != nil {
		log.Fatal(err)
	}
	defer orm.Close()
	if err := orm.CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}
	m := orm.Fork()
	nine := 9
	if err := m.Persist(&Dog{Animal: Animal{Name: "Rex"}, Barks: true}, &Cat{Animal: Animal{Name: "Tom"}, Lives: &nine}); err != nil {
		log.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}

	r := orm.Fork()
	all, _ := em.Find[Animal](ctx, r, nil, em.OrderBy("id", qb.Asc))
	for _, a := range all {
		switch x := r.Concrete(a).(type) {
		case *Dog:
			fmt.Println(a.Name, "is a dog; barks:", x.Barks)
		case *Cat:
			fmt.Println(a.Name, "is a cat; lives:", *x.Lives)
		}
	}
	sqls = nil
	dogs, _ := em.Find[Dog](ctx, r, nil)
	fmt.Println(len(dogs), &dogs[0].Animal == all[0], sqls[0])
	dogs[0].Barks = false
	sqls = nil
	if err := r.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(sqls[0])
	// Output:
	// Rex is a dog; barks: true
	// Tom is a cat; lives: 9
	// 1 true SELECT "e0"."id", "e0"."kind", "e0"."name", "e0"."barks" FROM "animal" AS "e0" WHERE "e0"."kind" = ?
	// UPDATE "animal" SET "barks" = ? WHERE "id" = ?
}
