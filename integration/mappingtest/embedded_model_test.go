package mappingtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/unitorm/unitorm/em"
)

// TestEmbeddablesMatchModel: seeded random edits of embedded fields (single
// fields, nested ones, a nullable embeddable set to nil and back), each
// flushed and reloaded in a fresh EntityManager, match a model kept in Go on
// every backend; a reload right after a flush is never dirty.
func TestEmbeddablesMatchModel(t *testing.T) {
	forEach(t, customerModel[int64](), customerModel[string](), nil, nil,
		func(t *testing.T, e *env) { checkEmbeddedModel[int64](t, e, 7) },
		func(t *testing.T, e *env) { checkEmbeddedModel[string](t, e, 7) })
}

func checkEmbeddedModel[K Key](t *testing.T, e *env, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 3))
	type model struct {
		home Address
		work *Address
	}
	m := e.fork()
	var cs []*Customer[K]
	var want []model
	for i := range 4 {
		c := &Customer[K]{Name: fmt.Sprintf("c%d", i), Home: Address{City: "x"}}
		cs = append(cs, c)
		want = append(want, model{home: c.Home})
		if err := m.Persist(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	word := func() string { return []string{"", "Oslo", "Rome", "Lima", "Kyiv"}[rng.IntN(5)] }
	for step := range 60 {
		i := rng.IntN(len(cs))
		c, w := cs[i], &want[i]
		var what string
		switch rng.IntN(7) {
		case 0:
			c.Home.City = word()
			w.home.City, what = c.Home.City, "home.city"
		case 1:
			c.Home.Street = word()
			w.home.Street, what = c.Home.Street, "home.street"
		case 2:
			c.Home.Geo.Lat = float64(rng.IntN(100)) / 4
			w.home.Geo.Lat, what = c.Home.Geo.Lat, "home.geo.lat"
		case 3:
			c.Work = nil
			w.work, what = nil, "work = nil"
		case 4:
			a := Address{City: word(), Street: word(), Geo: Geo{Lng: float64(rng.IntN(9))}}
			c.Work = &a
			cp := a
			w.work, what = &cp, "work = new"
		case 5, 6:
			if c.Work == nil {
				continue
			}
			c.Work.City = word()
			w.work.City, what = c.Work.City, "work.city"
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("seed %d step %d (%s): %v", seed, step, what, err)
		}
		rm := e.fork()
		got, err := em.FindOneOrFail[Customer[K]](ctx, rm, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		okWork := (got.Work == nil) == (w.work == nil) && (got.Work == nil || *got.Work == *w.work)
		// A nullable embeddable whose fields are all empty or zero is
		// stored as all-empty values, not NULL: it reads back as non-nil.
		if got.Home != w.home || !okWork {
			t.Fatalf("seed %d step %d (%s): got home %+v work %+v, want %+v %+v", seed, step, what, got.Home, got.Work, w.home, w.work)
		}
		if rm.IsDirty(got) {
			t.Fatalf("seed %d step %d: a fresh reload is dirty", seed, step)
		}
	}
}
