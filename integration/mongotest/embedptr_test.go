package mongotest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/unitorm/unitorm/em"
)

// MBase is embedded by pointer in MEmb (Go embedding): its fields are
// MEmb's, reached through the pointer.
type MBase struct {
	ID   string `orm:"pk"`
	Note string
}

type MEmb struct {
	*MBase
	Name    string
	Version int `orm:"version"`
}

// TestEmbeddedPointerDocumentsAreIndependent: documents of an entity that
// embeds a struct by pointer load one instance of it each, and changes to
// its fields are written. Seeded: random changes and removals, then a
// fresh EntityManager must read back exactly the model.
func TestEmbeddedPointerDocumentsAreIndependent(t *testing.T) {
	e := newEnv(t, MEmb{})
	rng := rand.New(rand.NewPCG(3, 5))
	type row struct{ note, name string }
	model := map[string]row{}
	w := e.fork()
	for range 30 {
		r := row{fmt.Sprint("n", rng.IntN(1000)), fmt.Sprint("x", rng.IntN(1000))}
		x := &MEmb{MBase: &MBase{Note: r.note}, Name: r.name}
		if err := w.Persist(x); err != nil {
			t.Fatal(err)
		}
		e.flush(w)
		model[x.ID] = r
	}
	check := func(when string) {
		t.Helper()
		got, err := em.FindAll[MEmb](e.ctx, e.fork())
		if err != nil {
			t.Fatal(err)
		}
		bases := map[*MBase]bool{}
		for _, g := range got {
			if g.MBase == nil || bases[g.MBase] {
				t.Fatalf("%s: documents share their embedded *MBase (or have none)", when)
			}
			bases[g.MBase] = true
			if want, ok := model[g.ID]; !ok || want.note != g.Note || want.name != g.Name {
				t.Errorf("%s: %s is {%q %q}, want %+v", when, g.ID, g.Note, g.Name, want)
			}
		}
		if len(got) != len(model) {
			t.Errorf("%s: %d documents, want %d", when, len(got), len(model))
		}
	}
	check("after insert")
	m := e.fork()
	all, err := em.FindAll[MEmb](e.ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range all {
		switch rng.IntN(4) {
		case 0:
			x.Note += "+"
			model[x.ID] = row{x.Note, x.Name}
		case 1:
			x.Name += "*"
			model[x.ID] = row{x.Note, x.Name}
		case 2:
			if err := m.Remove(x); err != nil {
				t.Fatal(err)
			}
			delete(model, x.ID)
		}
	}
	e.flush(m)
	check("after changes")
}
