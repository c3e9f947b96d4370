package emsuite

import (
	"context"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
)

type Person struct {
	ID       int64 `orm:"pk"`
	Name     string
	Passport *Passport `orm:"1:1,mappedBy=Holder"`
}

type Passport struct {
	ID     int64 `orm:"pk"`
	Number string
	Holder *Person `orm:"1:1,nullable"`
}

// TestOneToOneTakenOverByANewRow: a new passport takes its holder over from
// the old one in one flush. The old row lets go of the unique key before the
// new one is inserted, and both sides end in step.
func TestOneToOneTakenOverByANewRow(t *testing.T) {
	configure := func(c *unitorm.Config) { c.Entities = []any{Person{}, Passport{}} }
	forEachBackendWith(t, configure, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		u := &Person{Name: "u"}
		old := &Passport{Number: "1", Holder: u}
		if err := m.Persist(old); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if u.Passport != old {
			t.Fatalf("after the first flush u.Passport = %v, want the old passport", u.Passport)
		}
		repl := &Passport{Number: "2", Holder: u}
		if err := m.Persist(repl); err != nil {
			t.Fatal(err)
		}
		if old.Holder != nil || u.Passport != repl {
			t.Fatalf("at Persist: old.Holder = %v, u.Passport = %v; want nil and the new passport", old.Holder, u.Passport)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("flush of the take-over: %v", err)
		}
		r := e.fork()
		got, err := em.FindOneOrFail[Person](ctx, r, u.ID, em.Populate("passport"))
		if err != nil {
			t.Fatal(err)
		}
		if got.Passport == nil || got.Passport.ID != repl.ID {
			t.Fatalf("stored person's passport = %v, want %d", got.Passport, repl.ID)
		}
		o, err := em.FindOneOrFail[Passport](ctx, r, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Holder != nil {
			t.Fatalf("the old passport still has a holder")
		}
	})
}
