package em_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

type Painter struct {
	ID        int64 `orm:"pk"`
	Name      string
	Born      int
	Paintings unitorm.Collection[*Painting] `orm:"1:m,mappedBy=Painter"`
}

type Painting struct {
	ID      int64 `orm:"pk"`
	Title   string
	Year    int
	Painter *Painter `orm:"m:1"`
}

// openGallery opens an in-memory SQLite database with three painters and
// their paintings.
func openGallery(ctx context.Context) *unitorm.ORM {
	orm, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{Entities: []any{Painter{}, Painting{}}})
	if err != nil {
		log.Fatal(err)
	}
	if err := orm.CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}
	m := orm.Fork()
	monet := &Painter{Name: "Monet", Born: 1840}
	vermeer := &Painter{Name: "Vermeer", Born: 1632}
	kahlo := &Painter{Name: "Kahlo", Born: 1907}
	for _, p := range []*Painting{
		{Title: "Impression, Sunrise", Year: 1872, Painter: monet},
		{Title: "Water Lilies", Year: 1906, Painter: monet},
		{Title: "Girl with a Pearl Earring", Year: 1665, Painter: vermeer},
		{Title: "The Two Fridas", Year: 1939, Painter: kahlo},
	} {
		if err := m.Persist(p); err != nil {
			log.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	return orm
}

// Find loads the entities matching a condition — here through a relation —
// with their relations populated, in the order asked.
func ExampleFind() {
	ctx := context.Background()
	orm := openGallery(ctx)
	defer orm.Close()

	paintings, err := em.Find[Painting](ctx, orm.Fork(),
		qb.Cond{"painter.born": qb.Gte(1800)},
		em.Populate("painter"), em.OrderBy("year", qb.Asc))
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range paintings {
		fmt.Println(p.Year, p.Title, "—", p.Painter.Name)
	}
	// Output:
	// 1872 Impression, Sunrise — Monet
	// 1906 Water Lilies — Monet
	// 1939 The Two Fridas — Kahlo
}

// QB is the entity-aware query builder: property paths instead of columns,
// results in the Identity Map, Count for pagination.
func ExampleQB() {
	ctx := context.Background()
	orm := openGallery(ctx)
	defer orm.Close()

	m := orm.Fork()
	q := em.QB[Painting](m).Where(qb.Cond{"painter.name": qb.In("Monet", "Vermeer")}).
		OrderBy("title", qb.Desc).Limit(2)
	page, total, err := q.AllAndCount(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range page {
		fmt.Println(p.Title)
	}
	fmt.Println("of", total)
	// Output:
	// Water Lilies
	// Impression, Sunrise
	// of 3
}

// Transactional runs a function in a transaction: what it persists or
// changes is flushed before the commit, and an error rolls all of it back.
func ExampleEntityManager_Transactional() {
	ctx := context.Background()
	orm := openGallery(ctx)
	defer orm.Close()

	m := orm.Fork()
	errSold := errors.New("sold out")
	err := m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
		tm.Persist(&Painter{Name: "Hokusai", Born: 1760})
		return errSold // rolls back: Hokusai is not written
	})
	fmt.Println("first:", err)
	err = m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
		return tm.Persist(&Painter{Name: "Morisot", Born: 1841})
	})
	fmt.Println("second:", err)
	n, err := em.Count[Painter](ctx, orm.Fork(), qb.Cond{"name": qb.In("Hokusai", "Morisot")})
	fmt.Println(n, err)
	// Output:
	// first: sold out
	// second: <nil>
	// 1 <nil>
}
