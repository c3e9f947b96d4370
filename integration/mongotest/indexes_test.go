package mongotest

import (
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/internal/uow"
)

func TestEnsureIndexes(t *testing.T) {
	e := newEnv(t)
	if err := e.drv.EnsureIndexes(e.ctx); err != nil {
		t.Fatal(err)
	}
	// Idempotent.
	if err := e.drv.EnsureIndexes(e.ctx); err != nil {
		t.Fatalf("second EnsureIndexes: %v", err)
	}
	indexes := func(coll string) map[string]bson.Raw {
		cur, err := e.drv.Database().Collection(coll).Indexes().List(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var all []bson.Raw
		if err := cur.All(e.ctx, &all); err != nil {
			t.Fatal(err)
		}
		out := map[string]bson.Raw{}
		for _, ix := range all {
			out[ix.Lookup("name").StringValue()] = ix
		}
		return out
	}
	keysOf := func(ix bson.Raw) []string {
		els, _ := ix.Lookup("key").Document().Elements()
		var out []string
		for _, el := range els {
			out = append(out, el.Key())
		}
		return out
	}
	author := indexes("author")
	ix, ok := author["author_email_unique"]
	if !ok || !ix.Lookup("unique").Boolean() || !slices.Equal(keysOf(ix), []string{"email"}) {
		t.Fatalf("author indexes %v", author)
	}
	counter := indexes("counter")
	ix, ok = counter["counter_shop_day"]
	if !ok || !slices.Equal(keysOf(ix), []string{"shop", "day"}) {
		t.Fatalf("counter indexes %v", counter)
	}
	if u, isBool := ix.Lookup("unique").BooleanOK(); isBool && u {
		t.Fatal("a plain index is unique")
	}
	// The unique index is enforced, and reported as a constraint error.
	m := e.fork()
	if err := m.Persist(&Author{Name: "a", Email: "same@x"}); err != nil {
		t.Fatal(err)
	}
	e.flush(m)
	m2 := e.fork()
	if err := m2.Persist(&Author{Name: "b", Email: "same@x"}); err != nil {
		t.Fatal(err)
	}
	err := m2.Flush(e.ctx)
	if !uow.IsUniqueViolation(err) {
		t.Fatalf("duplicate email: %v, want a unique violation", err)
	}
	var ce *uow.ConstraintError
	if errorsAs(err, &ce) && ce.Constraint != "" && ce.Constraint != "author_email_unique" {
		t.Errorf("constraint %q", ce.Constraint)
	}
}
