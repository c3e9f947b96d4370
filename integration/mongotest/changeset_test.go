package mongotest

import (
	"slices"
	"testing"
	"time"

	"github.com/unitorm/unitorm/em"
)

// updateOf returns the $set and $unset field names of the first update
// statement of an update command.
func updateOf(t *testing.T, c command) (set, unset []string) {
	t.Helper()
	ups, ok := c.body.Lookup("updates").ArrayOK()
	if !ok {
		// OP_MSG document sequences are not in the body: read nothing.
		t.Fatalf("update command without an updates array: %v", c.body)
	}
	vals, err := ups.Values()
	if err != nil || len(vals) == 0 {
		t.Fatalf("updates: %v, %v", vals, err)
	}
	u := vals[0].Document().Lookup("u").Document()
	keys := func(op string) []string {
		d, ok := u.Lookup(op).DocumentOK()
		if !ok {
			return nil
		}
		els, _ := d.Elements()
		var out []string
		for _, el := range els {
			out = append(out, el.Key())
		}
		slices.Sort(out)
		return out
	}
	return keys("$set"), keys("$unset")
}

func TestChangeSets(t *testing.T) {
	e := newEnv(t)
	m := e.fork()
	born := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
	a := &Author{Name: "Arya", Email: "arya@winterfell", Age: 18, Active: true, Born: &born}
	if err := m.Persist(a); err != nil {
		t.Fatal(err)
	}
	e.flush(m)

	m2 := e.fork()
	x, err := em.FindOneOrFail[Author](e.ctx, m2, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if x.Born == nil || !x.Born.Equal(born) || !x.Active {
		t.Fatalf("loaded %+v", x)
	}

	mark := e.mon.mark()
	if err := m2.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.mon.names(mark); len(got) != 0 {
		t.Fatalf("a flush without changes sent %v", got)
	}

	// Zero values are written; nil is unset; only changed fields travel.
	x.Age = 0
	x.Active = false
	x.Born = nil
	mark = e.mon.mark()
	e.flush(m2)
	cmds := e.mon.since(mark)
	if len(cmds) != 1 || cmds[0].name != "update" {
		t.Fatalf("flush sent %v, want one update", e.mon.names(mark))
	}
	set, unset := updateOf(t, cmds[0])
	if want := []string{"active", "age"}; !slices.Equal(set, want) {
		t.Errorf("$set of %v, want %v", set, want)
	}
	if want := []string{"born"}; !slices.Equal(unset, want) {
		t.Errorf("$unset of %v, want %v", unset, want)
	}
	doc := e.raw("author", oid(t, a.ID))
	if doc.Lookup("age").AsInt64() != 0 || doc.Lookup("active").Boolean() || doc.Lookup("name").StringValue() != "Arya" ||
		doc.Lookup("version").AsInt64() != 2 {
		t.Errorf("stored %v", doc)
	}
	if _, err := doc.LookupErr("born"); err == nil {
		t.Errorf("born still stored: %v", doc)
	}
	if x.Version != 2 {
		t.Errorf("version in memory %d, want 2", x.Version)
	}

	// Embedded documents round-trip; a change of one is one $set.
	b := &Book{Title: "Needle", Price: 9.5, Author: x, Meta: BookMeta{Pages: 120, Lang: "en", Notes: []string{"a", "b"}}}
	if err := m2.Persist(b); err != nil {
		t.Fatal(err)
	}
	e.flush(m2)
	stored := e.raw("book", oid(t, b.ID))
	meta, ok := stored.Lookup("meta").DocumentOK()
	if !ok || meta.Lookup("pages").AsInt64() != 120 || meta.Lookup("lang").StringValue() != "en" {
		t.Fatalf("meta stored as %v", stored.Lookup("meta"))
	}
	if got, ok := stored.Lookup("author_id").ObjectIDOK(); !ok || got != oid(t, a.ID) {
		t.Fatalf("author_id stored as %v, want the author's ObjectID", stored.Lookup("author_id"))
	}
	m3 := e.fork()
	b3, err := em.FindOneOrFail[Book](e.ctx, m3, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b3.Meta.Pages != 120 || !slices.Equal(b3.Meta.Notes, []string{"a", "b"}) || b3.Author == nil || b3.Author.ID != a.ID {
		t.Fatalf("loaded %+v", b3)
	}
	if m3.IsLoaded(b3.Author) {
		t.Error("the author reference is loaded without a populate")
	}
	b3.Meta.Notes = append(b3.Meta.Notes, "c")
	mark = e.mon.mark()
	e.flush(m3)
	cmds = e.mon.since(mark)
	if len(cmds) != 1 {
		t.Fatalf("flush sent %v", e.mon.names(mark))
	}
	if set, _ := updateOf(t, cmds[0]); !slices.Equal(set, []string{"meta"}) {
		t.Errorf("$set of %v, want [meta]", set)
	}
}
