package mappingtest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// Doc has a lazy Body.
type Doc[K Key] struct {
	ID    K `orm:"pk"`
	Title string
	Body  string `orm:"lazy"`
}

func (Doc[K]) TableName() string { return "m_doc" }

func docModel[K Key]() []any { return []any{Doc[K]{}} }

// TestLazyProperties: a lazy property is not read by loads (SQL selects
// NULL in its place), loads with em.Populate of its name (on a query, on an
// identity-map hit, on loaded entities), is not a change while untouched,
// is written when set, and survives a reload once loaded.
func TestLazyProperties(t *testing.T) {
	forEach(t, docModel[int64](), docModel[string](), nil, nil,
		func(t *testing.T, e *env) { checkLazy[int64](t, e) },
		func(t *testing.T, e *env) { checkLazy[string](t, e) })
}

func checkLazy[K Key](t *testing.T, e *env) {
	ctx := context.Background()
	m := e.fork()
	d1, d2 := &Doc[K]{Title: "a", Body: "long text a"}, &Doc[K]{Title: "b", Body: "long text b"}
	if err := m.Persist(d1, d2); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if raw := e.rawRow(t, "m_doc", rawID(d1.ID)); asString(raw["body"]) != "long text a" {
		t.Errorf("raw body = %v", raw["body"])
	}

	rm := e.fork()
	mark := e.rec.mark()
	docs, err := em.Find[Doc[K]](ctx, rm, nil, em.OrderBy("title", qb.Asc))
	if err != nil {
		t.Fatal(err)
	}
	if docs[0].Body != "" || docs[1].Body != "" {
		t.Errorf("lazy bodies loaded: %q %q", docs[0].Body, docs[1].Body)
	}
	for _, s := range e.rec.since(mark) {
		if s.sql != "" && strings.Contains(s.sql, `"body"`) && !strings.Contains(s.sql, "NULL AS") {
			t.Errorf("the load selects body: %s", s.sql)
		}
	}
	if rm.IsDirty(docs[0]) {
		t.Errorf("an unloaded lazy property is a change")
	}
	// Untouched: a change elsewhere does not write it.
	docs[0].Title = "a2"
	mark = e.rec.mark()
	if err := rm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if u := e.updates(mark); len(u) != 1 || !slices.Equal(u[0], []string{"title"}) {
		t.Errorf("update wrote %v, want only title", u)
	}
	// Loaded on demand, then kept by a reload.
	if err := rm.Populate(ctx, docs, "body"); err != nil {
		t.Fatal(err)
	}
	if docs[0].Body != "long text a" || docs[1].Body != "long text b" || rm.IsDirty(docs[0]) {
		t.Errorf("populated bodies %q %q (dirty %v)", docs[0].Body, docs[1].Body, rm.IsDirty(docs[0]))
	}
	if err := rm.Refresh(ctx, docs[0]); err != nil {
		t.Fatal(err)
	}
	if docs[0].Body != "long text a" {
		t.Errorf("a reload unloaded the body: %q", docs[0].Body)
	}
	// A query with the lazy property among its populate paths, and an
	// identity-map hit asking for it.
	qm := e.fork()
	one, err := em.FindOneOrFail[Doc[K]](ctx, qm, qb.Cond{"title": "b"}, em.Populate("body"))
	if err != nil || one.Body != "long text b" {
		t.Fatalf("Find with Populate(body) = %+v, %v", one, err)
	}
	hm := e.fork()
	if _, err := em.FindOneOrFail[Doc[K]](ctx, hm, d1.ID); err != nil {
		t.Fatal(err)
	}
	hit, err := em.FindOneOrFail[Doc[K]](ctx, hm, d1.ID, em.Populate("body"))
	if err != nil || hit.Body != "long text a" {
		t.Errorf("identity-map hit with Populate(body) = %+v, %v", hit, err)
	}
	// Raw maps of the entity's query leave the lazy column out (NULL).
	maps, err := em.QB[Doc[K]](e.fork()).Where(qb.Cond{"title": "b"}).Maps(ctx)
	if err != nil || len(maps) != 1 || maps[0]["body"] != nil {
		t.Errorf("Maps = %v, %v; want one row without body", maps, err)
	}
	// Set without loading: written.
	wm := e.fork()
	w, err := em.FindOneOrFail[Doc[K]](ctx, wm, d2.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.Body = "replaced"
	mark = e.rec.mark()
	if err := wm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if u := e.updates(mark); len(u) != 1 || !slices.Equal(u[0], []string{"body"}) {
		t.Errorf("update wrote %v, want only body", u)
	}
	if raw := e.rawRow(t, "m_doc", rawID(d2.ID)); asString(raw["body"]) != "replaced" {
		t.Errorf("raw body after the update = %v", raw["body"])
	}
}
