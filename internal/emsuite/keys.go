package emsuite

import (
	"context"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// TestApplicationKeys: entities whose keys the application sets — a string
// key and a composite key — are inserted with them, found by them (once),
// updated and deleted.
func TestApplicationKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		nl, be := &Country{Code: "NL", Name: "Netherlands"}, &Country{Code: "BE", Name: "Belgium"}
		m1, m2 := &Membership{UserID: 1, GroupID: 2, Role: "owner"}, &Membership{UserID: 1, GroupID: 3, Role: "member"}
		if err := persistFlush(ctx, m, nl, be, m1, m2); err != nil {
			t.Fatal(err)
		}
		mark := e.rec.mark()
		if got, err := em.FindOne[Country](ctx, m, "NL"); err != nil || got != nl {
			t.Errorf("FindOne by string key: %p, %v; want the persisted instance", got, err)
		}
		if got, err := em.FindOne[Membership](ctx, m, []any{int64(1), int64(3)}); err != nil || got != m2 {
			t.Errorf("FindOne by composite key: %p, %v; want the persisted instance", got, err)
		}
		if got := e.rec.since(mark); len(got) != 0 {
			t.Errorf("finds of managed entities by key ran %q", got)
		}

		f := e.fork()
		c, err := em.FindOneOrFail[Country](ctx, f, "BE")
		if err != nil || c.Name != "Belgium" {
			t.Fatalf("country BE: %+v, %v", c, err)
		}
		ms, err := em.Find[Membership](ctx, f, qb.Cond{"userID": 1}, em.OrderBy("groupID", qb.Asc))
		if err != nil || len(ms) != 2 {
			t.Fatalf("memberships: %d, %v", len(ms), err)
		}
		again, err := em.FindOne[Membership](ctx, f, qb.Cond{"userID": 1, "groupID": 2})
		if err != nil || again != ms[0] {
			t.Errorf("FindOne by composite key condition: %p, %v; want %p", again, err, ms[0])
		}
		c.Name = "België"
		ms[0].Role = "admin"
		ms[1].Role = "admin"
		if err := f.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := f.Remove(ms[1]); err != nil {
			t.Fatal(err)
		}
		if err := f.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		check := e.fork()
		if c, _ := em.FindOneOrFail[Country](ctx, check, "BE"); c == nil || c.Name != "België" {
			t.Errorf("country after update: %+v", c)
		}
		left, err := em.FindAll[Membership](ctx, check)
		if err != nil || len(left) != 1 || left[0].GroupID != 2 || left[0].Role != "admin" {
			t.Errorf("memberships after update and delete: %+v, %v", left, err)
		}
	})
}
