package mappingtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/rel"
)

// Pet is the root of a single-table family (table m_pet); it has rows of
// its own (discriminator value "pet"). PDog and PCat are its subtypes,
// Puppy a subtype of PDog.
type Pet[K Key] struct {
	ID    K      `orm:"pk"`
	Kind  string `orm:"discriminator=pet"`
	Name  string
	Owner *Person[K] `orm:"m:1,nullable"`
}

func (Pet[K]) TableName() string { return "m_pet" }

type PDog[K Key] struct {
	Pet[K] `orm:"discriminator=dog"`
	Barks  bool
	Trick  *string
}

type PCat[K Key] struct {
	Pet[K] `orm:"discriminator=cat"`
	Lives  int
}

type Puppy[K Key] struct {
	PDog[K] `orm:"discriminator=puppy"`
	Teeth   int
}

// Person has a to-many (Pets) and a to-one (Best) relation to the base.
type Person[K Key] struct {
	ID   K `orm:"pk"`
	Name string
	Pets rel.Collection[*Pet[K]] `orm:"1:m,mappedBy=Owner"`
	Best *Pet[K]                 `orm:"m:1,nullable"`
}

func (Person[K]) TableName() string { return "m_person" }

func petModel[K Key]() []any {
	return []any{Person[K]{}, Pet[K]{}, PDog[K]{}, PCat[K]{}, Puppy[K]{}}
}

// TestSingleTableInheritance: subtypes are written to one table with their
// discriminator (read back raw), reloaded as their concrete types through
// the base and through subtype queries (which add the discriminator
// condition), one changed subtype field updates one column, to-one and
// to-many relations to the base populate subtypes, a row and its base view
// are one instance, and an unknown discriminator is a typed error.
func TestSingleTableInheritance(t *testing.T) {
	forEach(t, petModel[int64](), petModel[string](), nil, nil,
		func(t *testing.T, e *env) { checkInheritance[int64](t, e) },
		func(t *testing.T, e *env) { checkInheritance[string](t, e) })
}

func checkInheritance[K Key](t *testing.T, e *env) {
	ctx := context.Background()
	m := e.fork()
	trick := "sit"
	owner := &Person[K]{Name: "Ann"}
	dog := &PDog[K]{Pet: Pet[K]{Name: "Rex", Owner: owner}, Barks: true, Trick: &trick}
	cat := &PCat[K]{Pet: Pet[K]{Name: "Tom", Owner: owner}, Lives: 9}
	pup := &Puppy[K]{PDog: PDog[K]{Pet: Pet[K]{Name: "Bit"}}, Teeth: 12}
	plain := &Pet[K]{Name: "Zed"}
	if err := m.Persist(dog, cat, pup, plain); err != nil {
		t.Fatal(err)
	}
	owner.Best = &pup.Pet
	if err := m.Persist(owner); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if dog.Kind != "dog" || pup.Kind != "puppy" || plain.Kind != "pet" {
		t.Errorf("discriminators after persist: %q %q %q", dog.Kind, pup.Kind, plain.Kind)
	}

	// Raw rows: one table, the discriminator, subtype columns NULL elsewhere.
	raw := e.rawRow(t, "m_pet", rawID(dog.ID))
	if rawText(raw["kind"]) != "dog" || rawText(raw["trick"]) != "sit" || raw["lives"] != nil {
		t.Errorf("raw dog row = %v", raw)
	}
	raw = e.rawRow(t, "m_pet", rawID(cat.ID))
	if rawText(raw["kind"]) != "cat" || fmt.Sprint(raw["lives"]) != "9" || raw["barks"] != nil || raw["teeth"] != nil {
		t.Errorf("raw cat row = %v", raw)
	}

	// Through the base: concrete types, base pointers into them.
	rm := e.fork()
	all, err := em.Find[Pet[K]](ctx, rm, nil, em.OrderBy("name", qb.Asc))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, a := range all {
		kinds = append(kinds, fmt.Sprintf("%s:%T", a.Name, rm.Concrete(a)))
	}
	want := []string{
		fmt.Sprintf("Bit:%T", pup), fmt.Sprintf("Rex:%T", dog), fmt.Sprintf("Tom:%T", cat), fmt.Sprintf("Zed:%T", plain),
	}
	if !slices.Equal(kinds, want) {
		t.Fatalf("base query = %v, want %v", kinds, want)
	}
	rex, ok := em.As[PDog[K]](rm, all[1])
	if !ok || !rex.Barks || rex.Trick == nil || *rex.Trick != "sit" {
		t.Fatalf("As[PDog](Rex) = %+v, %v", rex, ok)
	}
	if js, err := rm.ToJSON(all[1]); err != nil || !strings.Contains(string(js), `"barks":true`) || !strings.Contains(string(js), `"kind":"dog"`) {
		t.Errorf("ToJSON of a base pointer into a dog = %s, %v", js, err)
	}
	if _, ok := em.As[PCat[K]](rm, all[1]); ok {
		t.Errorf("a dog is a cat")
	}
	if rm.IsDirty(rex) || rm.IsDirty(all[0]) {
		t.Errorf("freshly loaded subtypes are dirty")
	}

	// Through a subtype: the discriminator condition, the same instances.
	dogs, err := em.Find[PDog[K]](ctx, rm, nil, em.OrderBy("name", qb.Asc))
	if err != nil {
		t.Fatal(err)
	}
	if len(dogs) != 2 || &dogs[1].Pet != all[1] || &dogs[0].Pet != all[0] {
		t.Fatalf("dogs = %v (identity with the base query kept: %v)", dogs, len(dogs) == 2 && &dogs[1].Pet == all[1])
	}
	if n, err := em.Count[PCat[K]](ctx, rm, nil); err != nil || n != 1 {
		t.Errorf("count cats = %d, %v", n, err)
	}
	if c, err := em.FindOne[PCat[K]](ctx, rm, qb.Cond{"id": dog.ID}); err != nil || c != nil {
		t.Errorf("a dog's id found as a cat: %v, %v", c, err)
	}

	// One changed subtype field: one column.
	mark := e.rec.mark()
	rex.Barks = false
	if err := rm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.updates(mark); len(got) != 1 || !slices.Equal(got[0], []string{"barks"}) {
		t.Errorf("update wrote %v, want only barks", got)
	}
	all[0].Name = "Bitsy" // a base field through the base pointer
	mark = e.rec.mark()
	if err := rm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.updates(mark); len(got) != 1 || !slices.Equal(got[0], []string{"name"}) {
		t.Errorf("update wrote %v, want only name", got)
	}

	// Identity across a subtype load first and a base lookup after.
	im := e.fork()
	p1, err := em.FindOneOrFail[Puppy[K]](ctx, im, pup.ID)
	if err != nil {
		t.Fatal(err)
	}
	b1, err := em.FindOneOrFail[Pet[K]](ctx, im, pup.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b1 != &p1.Pet || p1.Name != "Bitsy" || p1.Teeth != 12 {
		t.Errorf("base lookup of a loaded puppy = %p, want %p (%+v)", b1, &p1.Pet, p1)
	}

	// Relations to the base populate subtypes.
	pm := e.fork()
	ann, err := em.FindOneOrFail[Person[K]](ctx, pm, owner.ID, em.Populate("pets", "best"))
	if err != nil {
		t.Fatal(err)
	}
	var pets []string
	items, err := ann.Pets.Items()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range items {
		pets = append(pets, fmt.Sprintf("%s:%T", p.Name, pm.Concrete(p)))
	}
	sort.Strings(pets)
	if want := []string{fmt.Sprintf("Rex:%T", dog), fmt.Sprintf("Tom:%T", cat)}; !slices.Equal(pets, want) {
		t.Errorf("populated pets = %v, want %v", pets, want)
	}
	if best, ok := em.As[Puppy[K]](pm, ann.Best); !ok || best.Teeth != 12 || best.Name != "Bitsy" {
		t.Errorf("populated best = %+v (%T), %v", ann.Best, pm.Concrete(ann.Best), ok)
	}

	if !e.mongo() { // the same in one joined query
		jm := e.fork()
		ann, err := em.FindOneOrFail[Person[K]](ctx, jm, owner.ID, em.Populate("pets", "best"), em.WithStrategy(em.Joined))
		if err != nil {
			t.Fatal(err)
		}
		items, _ := ann.Pets.Items()
		if len(items) != 2 || jm.Concrete(ann.Best) == any(ann.Best) {
			t.Errorf("joined populate: %d pets, best %T", len(items), jm.Concrete(ann.Best))
		}
	}
	// Native statements on a subtype touch its rows only.
	if n, err := em.NativeUpdate[PDog[K]](ctx, e.fork(), qb.Cond{"name": qb.Like("%")}, map[string]any{"barks": true}); err != nil || n != 2 {
		t.Errorf("native update of dogs = %d, %v; want 2", n, err)
	}

	// Remove through the base pointer; the row goes.
	if err := rm.Remove(all[3]); err != nil { // Zed, a plain pet
		t.Fatal(err)
	}
	if cat3, ok := em.As[PCat[K]](rm, all[2]); !ok {
		t.Fatal("Tom is not a cat")
	} else if err := rm.Remove(cat3); err != nil {
		t.Fatal(err)
	}
	if err := rm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := em.Count[Pet[K]](ctx, e.fork(), nil); err != nil || n != 2 {
		t.Errorf("pets after removing two = %d, %v", n, err)
	}

	// An unknown discriminator read from the database: a typed error.
	e.setRaw(t, "m_pet", rawID(dog.ID), "kind", "fish")
	_, err = em.Find[Pet[K]](ctx, e.fork(), nil)
	var de *em.DiscriminatorError
	if !errors.Is(err, em.ErrUnknownDiscriminator) || !errors.As(err, &de) || de.Property != "kind" || fmt.Sprint(de.Value) != "fish" {
		t.Errorf("load of an unknown discriminator: %v", err)
	}
}

// setRaw sets one column of one row (document) with plain SQL or the raw
// Mongo driver.
func (e *env) setRaw(t *testing.T, table string, id any, col string, v any) {
	t.Helper()
	ctx := context.Background()
	if e.mongo() {
		oid, err := bson.ObjectIDFromHex(id.(string))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.mdrv.Database().Collection(table).UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}},
			bson.D{{Key: "$set", Value: bson.D{{Key: col, Value: v}}}}); err != nil {
			t.Fatal(err)
		}
		return
	}
	if _, err := e.orm.SQL().Exec(ctx, qb.Update(table).Set(col, v).Where(qb.Cond{"id": id})); err != nil {
		t.Fatal(err)
	}
}

// TestInheritanceRandom: a seeded random mix of subtypes persisted,
// changed and removed, flushed in several units of work, then compared
// with what a fresh EntityManager reads through the base and each subtype.
func TestInheritanceRandom(t *testing.T) {
	forEach(t, petModel[int64](), petModel[string](), nil, nil,
		func(t *testing.T, e *env) { checkInheritanceRandom[int64](t, e) },
		func(t *testing.T, e *env) { checkInheritanceRandom[string](t, e) })
}

func checkInheritanceRandom[K Key](t *testing.T, e *env) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewPCG(seed, 15))
		// model: name → description of the concrete value
		model := map[string]string{}
		m := e.fork()
		var live []any
		n := 0
		for round := 0; round < 4; round++ {
			for i := 0; i < 6; i++ {
				n++
				name := fmt.Sprintf("s%d-%d", seed, n)
				switch rng.IntN(4) {
				case 0:
					live = append(live, &Pet[K]{Name: name})
				case 1:
					live = append(live, &PDog[K]{Pet: Pet[K]{Name: name}, Barks: rng.IntN(2) == 0})
				case 2:
					live = append(live, &PCat[K]{Pet: Pet[K]{Name: name}, Lives: rng.IntN(9)})
				default:
					live = append(live, &Puppy[K]{PDog: PDog[K]{Pet: Pet[K]{Name: name}}, Teeth: rng.IntN(30)})
				}
				if err := m.Persist(live[len(live)-1]); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < 3 && len(live) > 0; i++ {
				k := rng.IntN(len(live))
				switch x := live[k].(type) {
				case *PDog[K]:
					x.Barks = !x.Barks
				case *PCat[K]:
					x.Lives++
				case *Puppy[K]:
					x.Teeth++
					x.Barks = !x.Barks
				case *Pet[K]:
					x.Name += "!"
				}
			}
			if rng.IntN(2) == 0 && len(live) > 0 {
				k := rng.IntN(len(live))
				if err := m.Remove(live[k]); err != nil {
					t.Fatal(err)
				}
				live = slices.Delete(live, k, k+1)
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("seed %d round %d: %v", seed, round, err)
			}
		}
		for _, x := range live {
			model[describe[K](x)] = ""
		}
		fresh := e.fork()
		all, err := em.Find[Pet[K]](ctx, fresh, qb.Cond{"name": qb.Like(fmt.Sprintf("s%d-%%", seed))})
		if err != nil {
			t.Fatal(err)
		}
		var got, wantL []string
		for _, a := range all {
			got = append(got, describe[K](fresh.Concrete(a)))
		}
		for k := range model {
			wantL = append(wantL, k)
		}
		sort.Strings(got)
		sort.Strings(wantL)
		if !slices.Equal(got, wantL) {
			t.Fatalf("seed %d: fresh read\n%v\nwant\n%v", seed, got, wantL)
		}
		dogs, err := em.Find[PDog[K]](ctx, fresh, qb.Cond{"name": qb.Like(fmt.Sprintf("s%d-%%", seed))})
		if err != nil {
			t.Fatal(err)
		}
		wantDogs := 0
		for _, x := range live {
			switch x.(type) {
			case *PDog[K], *Puppy[K]:
				wantDogs++
			}
		}
		if len(dogs) != wantDogs {
			t.Errorf("seed %d: %d dogs, want %d", seed, len(dogs), wantDogs)
		}
	}
}

func describe[K Key](x any) string {
	switch v := x.(type) {
	case *PDog[K]:
		return fmt.Sprintf("dog %s %v", v.Name, v.Barks)
	case *PCat[K]:
		return fmt.Sprintf("cat %s %d", v.Name, v.Lives)
	case *Puppy[K]:
		return fmt.Sprintf("puppy %s %v %d", v.Name, v.Barks, v.Teeth)
	case *Pet[K]:
		return fmt.Sprintf("pet %s", v.Name)
	}
	return fmt.Sprintf("%T", x)
}
