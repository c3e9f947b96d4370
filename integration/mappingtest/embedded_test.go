package mappingtest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

type Geo struct {
	Lat float64
	Lng float64
}

// Address is an embeddable holding another (Geo).
type Address struct {
	Street string
	City   string `json:"town"`
	Geo    Geo    `orm:"embedded"`
}

// Customer embeds Home inline (home_street, home_city, home_geo_lat, ...)
// and a nullable Work with its own prefix (office_street, ...).
type Customer[K Key] struct {
	ID   K `orm:"pk"`
	Name string
	Home Address  `orm:"embedded"`
	Work *Address `orm:"embedded,prefix=office_"`
}

func (Customer[K]) TableName() string { return "m_customer" }

func customerModel[K Key]() []any { return []any{Customer[K]{}} }

// TestEmbeddables: inline columns with prefixes (SQL) or subdocuments
// (MongoDB), nested and nullable embeddables, read back raw, reloaded,
// queried and ordered by embedded property paths, changed one field at a
// time (the UPDATE sets only that column), set to nil and back, and
// serialized as nested objects.
func TestEmbeddables(t *testing.T) {
	forEach(t, customerModel[int64](), customerModel[string](), nil, nil,
		func(t *testing.T, e *env) { checkEmbeddables[int64](t, e) },
		func(t *testing.T, e *env) { checkEmbeddables[string](t, e) })
}

func checkEmbeddables[K Key](t *testing.T, e *env) {
	ctx := context.Background()
	m := e.fork()
	c1 := &Customer[K]{Name: "ann", Home: Address{Street: "1 Main", City: "Oslo", Geo: Geo{Lat: 1.5, Lng: 2.5}}}
	c2 := &Customer[K]{Name: "bob", Home: Address{City: "Rome"}, Work: &Address{Street: "2 Via", City: "Milan"}}
	if err := m.Persist(c1, c2); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	// Raw: columns with prefixes, or subdocuments.
	r1, r2 := e.rawRow(t, "m_customer", rawID(c1.ID)), e.rawRow(t, "m_customer", rawID(c2.ID))
	if e.mongo() {
		home := subdoc(r1["home"])
		if home["city"] != "Oslo" || subdoc(home["geo"])["lat"] != 1.5 || subdoc(r2["work"])["city"] != "Milan" {
			t.Errorf("raw documents: %v / %v", r1, r2)
		}
		if w1 := subdoc(r1["work"]); w1 == nil || w1["city"] != nil {
			t.Errorf("nil Work stored as %v, want a subdocument without values", r1["work"])
		}
	} else {
		if asString(r1["home_city"]) != "Oslo" || asString(r1["home_street"]) != "1 Main" || r1["office_city"] != nil {
			t.Errorf("raw row 1: %v", r1)
		}
		if asString(r2["office_city"]) != "Milan" || asString(r2["office_street"]) != "2 Via" {
			t.Errorf("raw row 2: %v", r2)
		}
		if _, ok := r1["home_geo_lat"]; !ok {
			t.Errorf("no nested column home_geo_lat in %v", r1)
		}
	}

	// Reloaded.
	rm := e.fork()
	l1, err := em.FindOneOrFail[Customer[K]](ctx, rm, c1.ID)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := em.FindOneOrFail[Customer[K]](ctx, rm, c2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l1.Home != c1.Home || l1.Work != nil || l2.Work == nil || *l2.Work != *c2.Work {
		t.Errorf("reloaded %+v / %+v (work %+v)", l1, l2, l2.Work)
	}

	// Conditions and order on embedded paths.
	names := func(where qb.Condition, opts ...em.FindOption) []string {
		t.Helper()
		cs, err := em.Find[Customer[K]](ctx, e.fork(), where, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	if got := names(qb.Cond{"home.city": "Rome"}); !slices.Equal(got, []string{"bob"}) {
		t.Errorf("home.city = Rome: %v", got)
	}
	if got := names(qb.Cond{"work.city": "Milan"}); !slices.Equal(got, []string{"bob"}) {
		t.Errorf("work.city = Milan: %v", got)
	}
	if got := names(qb.Cond{"home.geo.lat": qb.Gt(1)}); !slices.Equal(got, []string{"ann"}) {
		t.Errorf("home.geo.lat > 1: %v", got)
	}
	if got := names(nil, em.OrderBy("home.city", qb.Desc)); !slices.Equal(got, []string{"bob", "ann"}) {
		t.Errorf("order by home.city desc: %v", got)
	}

	// One embedded field changed: only its column is written.
	update := func(fn func(), want ...string) {
		t.Helper()
		fn()
		mark := e.rec.mark()
		if err := rm.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		got := e.updates(mark)
		if len(got) != 1 {
			t.Fatalf("updates %v, want one", got)
		}
		slices.Sort(got[0])
		slices.Sort(want)
		if !slices.Equal(got[0], want) {
			t.Errorf("update wrote %v, want %v", got[0], want)
		}
	}
	col := func(sqlName, mongoName string) string {
		if e.mongo() {
			return mongoName
		}
		return sqlName
	}
	update(func() { l1.Home.City = "Bergen" }, col("home_city", "home.city"))
	update(func() { l1.Home.Geo.Lng = 9 }, col("home_geo_lng", "home.geo.lng"))
	update(func() { l2.Work.Street = "3 Via" }, col("office_street", "work.street"))
	all := []string{col("office_street", "work.street"), col("office_city", "work.city"),
		col("office_geo_lat", "work.geo.lat"), col("office_geo_lng", "work.geo.lng")}
	update(func() { l2.Work = nil }, all...)
	update(func() { l1.Work = &Address{City: "Paris"} }, all...)

	back := e.fork()
	b1, err := em.FindOneOrFail[Customer[K]](ctx, back, c1.ID)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := em.FindOneOrFail[Customer[K]](ctx, back, c2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b1.Home.City != "Bergen" || b1.Home.Geo.Lng != 9 || b1.Work == nil || b1.Work.City != "Paris" || b2.Work != nil {
		t.Errorf("after the updates: %+v (work %+v) / %+v", b1, b1.Work, b2)
	}
	if back.IsDirty(b1) || back.IsDirty(b2) {
		t.Errorf("freshly loaded entities are dirty")
	}

	// JSON: nested objects, json tags kept, nil as null.
	js, err := back.ToJSON(b2)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	home, _ := doc["home"].(map[string]any)
	geo, _ := home["geo"].(map[string]any)
	if home["town"] != "Rome" || geo == nil || doc["work"] != nil {
		t.Errorf("ToJSON = %s", js)
	}
}

// subdoc reads a raw subdocument as a map (nil if it is not one).
func subdoc(v any) bson.M {
	switch d := v.(type) {
	case bson.M:
		return d
	case bson.D:
		m := bson.M{}
		for _, e := range d {
			m[e.Key] = e.Value
		}
		return m
	}
	return nil
}
