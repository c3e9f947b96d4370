package em_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Invoice is soft-deleted: Remove sets DeletedAt, and the built-in
// softDelete filter hides it.
type Invoice struct {
	ID        int64 `orm:"pk"`
	Number    string
	Tenant    int64
	DeletedAt *time.Time `orm:"softDelete"`
}

// Filters are declared once, switched per EntityManager or per call; soft
// delete is the built-in filter of entities with a softDelete property.
func Example_filtersAndSoftDelete() {
	ctx := context.Background()
	orm, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{
		Entities: []any{Invoice{}},
		Filters: []em.Filter{{
			Name:     "tenant",
			Entities: []any{Invoice{}},
			Cond: func(_ *meta.Entity, args map[string]any) (qb.Condition, error) {
				return qb.Cond{"tenant": args["id"]}, nil
			},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer orm.Close()
	if err := orm.CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}
	m := orm.Fork()
	a, b := &Invoice{Number: "A-1", Tenant: 1}, &Invoice{Number: "B-1", Tenant: 2}
	if err := m.Persist(a, b, &Invoice{Number: "A-2", Tenant: 1}); err != nil {
		log.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}

	// Per request: only tenant 1's rows.
	req := orm.Fork()
	if err := req.EnableFilter("tenant", map[string]any{"id": 1}); err != nil {
		log.Fatal(err)
	}
	n, _ := em.Count[Invoice](ctx, req, nil)
	fmt.Println("tenant 1:", n)
	// Per call: another tenant.
	other, _ := em.Find[Invoice](ctx, req, nil, em.WithFilter("tenant", map[string]any{"id": 2}))
	fmt.Println("tenant 2:", other[0].Number)

	// Soft delete: an UPDATE of deleted_at, then hidden.
	if err := m.Remove(a); err != nil {
		log.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	n, _ = em.Count[Invoice](ctx, orm.Fork(), nil)
	fmt.Println("visible:", n)
	all, _ := em.Find[Invoice](ctx, orm.Fork(), nil, em.WithDeleted(), em.OrderBy("number", qb.Asc))
	fmt.Println("with deleted:", len(all), "first deleted:", all[0].DeletedAt != nil)

	// Restore.
	rm := orm.Fork()
	back, _ := em.FindOne[Invoice](ctx, rm, a.ID, em.WithDeleted())
	if err := rm.Restore(back); err != nil {
		log.Fatal(err)
	}
	if err := rm.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	n, _ = em.Count[Invoice](ctx, orm.Fork(), nil)
	fmt.Println("after restore:", n)

	// A filter that cannot build its condition fails before any query.
	_, err = em.Find[Invoice](ctx, orm.Fork(), nil, em.WithFilter("tenatn", nil))
	fmt.Println(errors.Is(err, em.ErrUnknownFilter))
	// Output:
	// tenant 1: 2
	// tenant 2: B-1
	// visible: 2
	// with deleted: 3 first deleted: true
	// after restore: 3
	// true
}
