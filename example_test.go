package unitorm_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

type Writer struct {
	ID      int64                      `orm:"pk"`
	Name    string                     `orm:"length=100"`
	Email   string                     `orm:"unique"`
	Novels  unitorm.Collection[*Novel] `orm:"1:m,mappedBy=Writer"`
	Version int                        `orm:"version"`
}

type Novel struct {
	ID     int64 `orm:"pk"`
	Title  string
	Writer *Writer `orm:"m:1"`
}

// A Unit of Work on embedded SQLite: persist with cascade, flush, load in
// a new EntityManager, change, flush again. Each statement is printed as
// its first two words.
func Example() {
	ctx := context.Background()
	orm, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{
		Entities: []any{Writer{}, Novel{}},
		OnQuery: func(ev unitorm.QueryEvent) {
			if f := strings.Fields(ev.SQL); f[0] != "CREATE" {
				fmt.Println("  ", strings.Join(f[:min(2, len(f))], " "))
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer orm.Close()
	if err := orm.CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}

	fmt.Println("persist two novels, the writer cascades:")
	m := orm.Fork()
	w := &Writer{Name: "Ursula", Email: "ursula@earthsea"}
	for _, title := range []string{"A Wizard of Earthsea", "The Tombs of Atuan"} {
		if err := m.Persist(&Novel{Title: title, Writer: w}); err != nil {
			log.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}

	fmt.Println("load with novels in a new EntityManager:")
	m = orm.Fork()
	got, err := em.FindOneOrFail[Writer](ctx, m, qb.Cond{"email": "ursula@earthsea"}, em.Populate("novels"))
	if err != nil {
		log.Fatal(err)
	}
	novels, _ := got.Novels.Items()
	fmt.Println("  ->", got.Name, "wrote", len(novels))

	fmt.Println("change the email and flush:")
	got.Email = "ursula@le-guin"
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("flush again, nothing changed:")
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("version", got.Version)

	// Output:
	// persist two novels, the writer cascades:
	//    BEGIN
	//    INSERT INTO
	//    INSERT INTO
	//    COMMIT
	// load with novels in a new EntityManager:
	//    SELECT "e0"."id",
	//    SELECT "e0"."id",
	//   -> Ursula wrote 2
	// change the email and flush:
	//    UPDATE "writer"
	// flush again, nothing changed:
	// version 2
}
