package mongotest

import (
	"context"
	"net/url"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/mongo"
	"github.com/unitorm/unitorm/qb"
)

func TestIdentity(t *testing.T) {
	e := newEnv(t)
	m := e.fork()
	a := &Author{Name: "Jon", Email: "jon@wall.st", Age: 30}
	if err := m.Persist(a); err != nil {
		t.Fatal(err)
	}
	e.flush(m)
	if len(a.ID) != 24 {
		t.Fatalf("generated key %q, want 24 hex digits", a.ID)
	}
	if doc := e.raw("author", oid(t, a.ID)); doc.Lookup("name").StringValue() != "Jon" || doc.Lookup("version").AsInt64() != 1 {
		t.Fatalf("stored %v", doc)
	}

	m2 := e.fork()
	mark := e.mon.mark()
	a1, err := em.FindOne[Author](e.ctx, m2, a.ID)
	if err != nil || a1 == nil {
		t.Fatalf("FindOne: %v, %v", a1, err)
	}
	if a1 == a {
		t.Fatal("a new fork returned the first fork's instance")
	}
	if got := e.mon.names(mark); len(got) != 1 || got[0] != "find author" {
		t.Fatalf("first FindOne sent %v, want one find", got)
	}
	mark = e.mon.mark()
	a2, err := em.FindOne[Author](e.ctx, m2, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a2 != a1 {
		t.Fatal("FindOne by key returned a second instance")
	}
	if got := e.mon.names(mark); len(got) != 0 {
		t.Fatalf("FindOne of a managed entity sent %v", got)
	}
	all, err := em.Find[Author](e.ctx, m2, qb.Cond{"name": "Jon"})
	if err != nil || len(all) != 1 || all[0] != a1 {
		t.Fatalf("Find: %v, %v; want the managed instance", all, err)
	}
	ref, err := em.Reference[Author](m2, a.ID)
	if err != nil || ref != a1 {
		t.Fatalf("Reference = %p, %v; want the managed instance %p", ref, err, a1)
	}
	if a1.Name != "Jon" || a1.Age != 30 || a1.Version != 1 || a1.Born != nil {
		t.Fatalf("loaded %+v", a1)
	}
}

func TestOpenDatabaseFromURI(t *testing.T) {
	target := harness.MongoDB(t)
	u, err := url.Parse(target.URI)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + target.Database
	uri := u.String()
	d, err := mongo.Open(context.Background(), uri, "", meta.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	if d.Database().Name() != target.Database {
		t.Fatalf("database %q, want %q from %s", d.Database().Name(), target.Database, uri)
	}
}
