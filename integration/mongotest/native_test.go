package mongotest

import (
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

func TestNativeStatements(t *testing.T) {
	e := newEnv(t)
	m := e.fork()
	n, err := em.NativeInsert[Author](e.ctx, m, map[string]any{"name": "native", "email": "n@x", "age": 3})
	if err != nil || n != 1 {
		t.Fatalf("NativeInsert: %d, %v", n, err)
	}
	a, err := em.FindOneOrFail[Author](e.ctx, m, qb.Cond{"email": "n@x"})
	if err != nil || len(a.ID) != 24 || a.Age != 3 {
		t.Fatalf("inserted %+v, %v", a, err)
	}
	n, err = em.NativeUpdate[Author](e.ctx, m, qb.Cond{"age": qb.Lt(10)}, map[string]any{"age": 0, "born": nil})
	if err != nil || n != 1 {
		t.Fatalf("NativeUpdate: %d, %v", n, err)
	}
	if doc := e.raw("author", oid(t, a.ID)); doc.Lookup("age").AsInt64() != 0 {
		t.Fatalf("stored %v", doc)
	}
	n, err = em.NativeDelete[Author](e.ctx, m, qb.Cond{"id": a.ID})
	if err != nil || n != 1 {
		t.Fatalf("NativeDelete: %d, %v", n, err)
	}
	if _, err := em.NativeDelete[Author](e.ctx, m, qb.Cond{"id": "bad"}); err == nil {
		t.Fatal("NativeDelete with an invalid ObjectID ran")
	}

	// Upsert: insert, then update on the unique email.
	m2 := e.fork()
	u := &Author{Name: "up", Email: "up@x", Age: 1}
	if err := m2.Upsert(e.ctx, u, "email"); err != nil {
		t.Fatal(err)
	}
	if len(u.ID) != 24 || !m2.Contains(u) {
		t.Fatalf("upserted %+v", u)
	}
	m3 := e.fork()
	u2 := &Author{Name: "up again", Email: "up@x", Age: 2}
	if err := m3.Upsert(e.ctx, u2, "email"); err != nil {
		t.Fatal(err)
	}
	if u2.ID != u.ID || u2.Name != "up again" {
		t.Fatalf("second upsert %+v, want the first document (%s) updated", u2, u.ID)
	}
	c, err := em.Count[Author](e.ctx, m3, nil)
	if err != nil || c != 1 {
		t.Fatalf("%d authors, %v", c, err)
	}
}
