package rel_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/rel"
)

// recInverse records what a bound collection passes on to the other side.
type recInverse struct{ calls []string }

func (r *recInverse) Added(owner, item any) {
	r.calls = append(r.calls, "+"+owner.(*shelf).name+">"+item.(*book).title)
}

func (r *recInverse) Removed(owner, item any) {
	r.calls = append(r.calls, "-"+owner.(*shelf).name+">"+item.(*book).title)
}

// shelf is an entity holding a collection.
type shelf struct {
	name  string
	books rel.Collection[*book]
}

func TestBoundCollectionPassesChangesOn(t *testing.T) {
	o, a, b := &shelf{name: "o"}, &book{"a"}, &book{"b"}
	var inv recInverse
	c := &o.books
	c.Add(a) // before Bind: passed on when bound
	c.Bind(o, &inv)
	if want := []string{"+o>a"}; !slices.Equal(inv.calls, want) {
		t.Fatalf("after Bind: %v, want %v", inv.calls, want)
	}
	c.Bind(o, &inv) // binding again does not replay
	c.Add(a, b)     // a is there already: only b
	c.Remove(a)     // cancels the pending addition
	c.Remove(a)     // not initialized: a may be stored, the removal is recorded
	c.Remove(a)     // recorded already: nothing
	c.Set(a)        // not initialized: drops the pending b, adds a
	c.Set(b)        // initialized now: drops a, adds b
	want := []string{"+o>a", "+o>b", "-o>a", "-o>a", "-o>b", "+o>a", "-o>a", "+o>b"}
	if !slices.Equal(inv.calls, want) {
		t.Fatalf("calls = %v, want %v", inv.calls, want)
	}

	// A copy of the entity by value passes nothing on (its collection is
	// not inside the bound owner), nor does an unbound collection.
	cp := *o
	cp.books.Add(&book{"copy"})
	o.books.Bind(o, nil)
	o.books.Add(&book{"unbound"})
	if !slices.Equal(inv.calls, want) {
		t.Fatalf("a copy or an unbound collection passed changes on: %v", inv.calls[len(want):])
	}
}

func TestSyncAddRemove(t *testing.T) {
	a, b := &book{"a"}, &book{"b"}
	var inv recInverse
	o := &shelf{name: "o"}
	c := &o.books
	c.Bind(o, &inv)

	// Not initialized, without record: nothing, no fake content.
	if err := c.SyncAdd(a, false); err != nil {
		t.Fatal(err)
	}
	if c.IsInitialized() || c.IsDirty() {
		t.Fatal("SyncAdd without record changed a collection that is not initialized")
	}
	// With record: a pending change, still not initialized.
	_ = c.SyncAdd(a, true)
	if c.IsInitialized() || !slices.Equal(c.Added(), []*book{a}) {
		t.Fatalf("SyncAdd with record: initialized=%v added=%v", c.IsInitialized(), c.Added())
	}
	// Without record, removing cancels the pending addition.
	_ = c.SyncRemove(a, false)
	if c.IsDirty() {
		t.Fatalf("SyncRemove did not cancel the addition: added=%v removed=%v", c.Added(), c.Removed())
	}
	c.Hydrate([]*book{a})
	_ = c.SyncAdd(b, false)
	if items, _ := c.Items(); !slices.Equal(items, []*book{a, b}) || c.IsDirty() {
		t.Fatalf("SyncAdd on loaded: items=%v dirty=%v", items, c.IsDirty())
	}
	_ = c.SyncRemove(a, false)
	if items, _ := c.Items(); !slices.Equal(items, []*book{b}) || c.IsDirty() {
		t.Fatalf("SyncRemove on loaded: items=%v dirty=%v", items, c.IsDirty())
	}
	if len(inv.calls) != 0 {
		t.Fatalf("Sync* called the Inverse: %v", inv.calls)
	}
	if err := c.SyncAdd("x", true); err == nil {
		t.Fatal("SyncAdd of a wrong type: no error")
	}
}

type tag struct {
	Name string `json:"name"`
}

type post struct {
	Title string               `json:"title"`
	Tags  rel.Collection[*tag] `json:"tags"`
	Refs  rel.Collection[*tag] `json:"refs,omitzero"`
}

func TestCollectionJSON(t *testing.T) {
	p := &post{Title: "t"}
	got, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"title":"t","tags":null}`; string(got) != want {
		t.Fatalf("not initialized: %s, want %s", got, want)
	}
	p.Tags.Hydrate(nil)
	p.Refs.Hydrate([]*tag{{"r"}})
	got, _ = json.Marshal(p)
	if want := `{"title":"t","tags":[],"refs":[{"name":"r"}]}`; string(got) != want {
		t.Fatalf("initialized: %s, want %s", got, want)
	}
	p.Tags.Add(&tag{"a"}, &tag{"b"})
	got, _ = json.Marshal(p)
	if want := `{"title":"t","tags":[{"name":"a"},{"name":"b"}],"refs":[{"name":"r"}]}`; string(got) != want {
		t.Fatalf("items: %s, want %s", got, want)
	}

	var q post
	if err := json.Unmarshal([]byte(`{"title":"u","tags":[{"name":"x"}],"refs":null}`), &q); err != nil {
		t.Fatal(err)
	}
	items, err := q.Tags.Items()
	if err != nil || len(items) != 1 || items[0].Name != "x" {
		t.Fatalf("decoded tags = %v, %v", items, err)
	}
	if !q.Tags.Replaced() {
		t.Fatal("decoding into a collection that is not initialized does not replace its content")
	}
	if q.Refs.IsInitialized() {
		t.Fatal("null initialized the collection")
	}
	if err := json.Unmarshal([]byte(`{"tags":{"name":"x"}}`), &q); err == nil {
		t.Fatal("an object for a collection decoded without error")
	} else if errors.Is(err, rel.ErrNotInitialized) {
		t.Fatal(err)
	}
}

type jAuthor struct {
	Name  string
	Books rel.Collection[*jBook]
}

type jBook struct {
	Title  string
	Author *jAuthor // a back-reference without json:"-"
}

func TestCollectionJSONCycleIsAnError(t *testing.T) {
	a := &jAuthor{Name: "a"}
	b := &jBook{Title: "b", Author: a}
	a.Books.Hydrate([]*jBook{b})
	_, err := json.Marshal(a)
	if !errors.Is(err, rel.ErrJSONCycle) {
		t.Fatalf("json.Marshal of a cycle through a collection = %v, want ErrJSONCycle", err)
	}
	// One level of encoding/json's wrapping, however deep the cycle ran,
	// and the element type named.
	if msg := err.Error(); len(msg) > 400 || !strings.Contains(msg, "jBook") {
		t.Errorf("cycle error of %d bytes: %.400s", len(msg), msg)
	}
	// The bookkeeping is gone: the same collection marshals again once the
	// cycle is cut.
	b.Author = nil
	if got, err := json.Marshal(a); err != nil || string(got) != `{"Name":"a","Books":[{"Title":"b","Author":null}]}` {
		t.Fatalf("after cutting the cycle: %s, %v", got, err)
	}
}
