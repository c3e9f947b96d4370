package mongotest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/mongo"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/rel"
)

// seed stores authors × books × tags: author i has books "A<i>-B<j>", each
// tagged with every tag.
func seed(t *testing.T, e *env, authors, books, tags int) ([]*Author, []*Tag) {
	t.Helper()
	m := e.fork()
	var ts []*Tag
	for k := range tags {
		ts = append(ts, &Tag{Name: fmt.Sprintf("t%d", k)})
	}
	var as []*Author
	for i := range authors {
		a := &Author{Name: fmt.Sprintf("A%d", i), Email: fmt.Sprintf("a%d@x", i), Age: 20 + i}
		for j := range books {
			b := &Book{Title: fmt.Sprintf("A%d-B%d", i, j), Price: float64(10 * (j + 1)), Author: a,
				Tags: rel.NewCollection(ts...)}
			a.Books.Add(b)
		}
		as = append(as, a)
		if err := m.Persist(a); err != nil {
			t.Fatal(err)
		}
	}
	e.flush(m)
	return as, ts
}

func TestBatchedFlush(t *testing.T) {
	e := newEnv(t)
	mark := e.mon.mark()
	authors, tags := seed(t, e, 3, 2, 2)
	got := e.mon.names(mark)
	// One InsertMany per collection; new books carry their tag arrays.
	want := []string{"insert author", "insert tag", "insert book"}
	if len(got) != 3 || count(got, "insert author") != 1 || count(got, "insert book") != 1 || count(got, "insert tag") != 1 {
		t.Fatalf("seed flush sent %v, want %v (in an order respecting keys)", got, want)
	}
	if slices.Index(got, "insert book") < slices.Index(got, "insert author") {
		t.Errorf("books inserted before their authors: %v", got)
	}
	b0 := authors[0].Books.AnyItems()[0].(*Book)
	doc := e.raw("book", oid(t, b0.ID))
	arr, ok := doc.Lookup("tags").ArrayOK()
	if !ok {
		t.Fatalf("tags stored as %v", doc.Lookup("tags"))
	}
	vals, _ := arr.Values()
	if len(vals) != 2 || vals[0].ObjectID() != oid(t, tags[0].ID) || vals[1].ObjectID() != oid(t, tags[1].ID) {
		t.Fatalf("tags array %v, want the two tag ObjectIDs", arr)
	}

	// Updates of several entities: one bulk update round trip.
	m := e.fork()
	as, err := em.Find[Author](e.ctx, m, nil, em.OrderBy("name", qb.Asc))
	if err != nil || len(as) != 3 {
		t.Fatalf("Find: %v, %v", as, err)
	}
	for i, a := range as {
		a.Name = fmt.Sprintf("renamed %d", i)
	}
	mark = e.mon.mark()
	e.flush(m)
	if got := e.mon.names(mark); len(got) != 1 || got[0] != "update author" {
		t.Fatalf("3 updates sent %v, want one update command", got)
	}
	cmd := e.mon.since(mark)[0]
	if ups, _ := cmd.body.Lookup("updates").Array().Values(); len(ups) != 3 {
		t.Errorf("the update command holds %d updates, want 3", len(ups))
	}

	// Deletes by key: one round trip for the documents, one to pull deleted
	// tags out of the books' arrays.
	bs, err := em.Find[Book](e.ctx, m, qb.Cond{"author": as[0].ID})
	if err != nil || len(bs) != 2 {
		t.Fatalf("books of A0: %v, %v", bs, err)
	}
	tg, err := em.FindOneOrFail[Tag](e.ctx, m, qb.Cond{"name": "t0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Remove(bs[0], bs[1], tg); err != nil {
		t.Fatal(err)
	}
	mark = e.mon.mark()
	e.flush(m)
	got = e.mon.names(mark)
	if count(got, "delete book") != 1 || count(got, "delete tag") != 1 || count(got, "update book") != 1 || len(got) != 3 {
		t.Fatalf("removing 2 books and a tag sent %v", got)
	}
	n, err := e.drv.Database().Collection("book").CountDocuments(e.ctx, bson.D{{Key: "tags", Value: oid(t, tg.ID)}})
	if err != nil || n != 0 {
		t.Fatalf("books still tagged with the deleted tag: %d, %v", n, err)
	}
	n, err = em.Count[Book](e.ctx, e.fork(), nil)
	if err != nil || n != 4 {
		t.Fatalf("books left: %d, %v; want 4", n, err)
	}
}

func TestManyToManyChanges(t *testing.T) {
	e := newEnv(t)
	_, tags := seed(t, e, 1, 1, 2)
	m := e.fork()
	b, err := em.FindOneOrFail[Book](e.ctx, m, qb.Cond{"title": "A0-B0"})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := b.Tags.Len(); err != nil || n != 2 {
		t.Fatalf("a loaded book's tags: %d, %v; want an initialized collection of 2", n, err)
	}
	t2 := &Tag{Name: "t2"}
	t0, err := em.Reference[Tag](m, tags[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	b.Tags.Add(t2)
	b.Tags.Remove(t0)
	mark := e.mon.mark()
	e.flush(m)
	got := e.mon.names(mark)
	if want := []string{"insert tag", "update book", "update book"}; !slices.Equal(got, want) {
		t.Fatalf("flush sent %v, want %v ($pullAll, then $addToSet)", got, want)
	}
	m2 := e.fork()
	b2, err := em.FindOneOrFail[Book](e.ctx, m2, b.ID, em.Populate("tags"))
	if err != nil {
		t.Fatal(err)
	}
	items, _ := b2.Tags.Items()
	var names []string
	for _, tg := range items {
		names = append(names, tg.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"t1", "t2"}) {
		t.Fatalf("tags after the change: %v", names)
	}
	// The inverse side sees it too.
	t1, err := em.FindOneOrFail[Tag](e.ctx, m2, qb.Cond{"name": "t1"}, em.Populate("books"))
	if err != nil {
		t.Fatal(err)
	}
	if bs, err := t1.Books.Items(); err != nil || len(bs) != 1 || bs[0] != b2 {
		t.Fatalf("t1.books = %v, %v; want [the book]", bs, err)
	}
	// A reference loaded in place keeps the stored key array: its
	// collection is known, and replacing it writes the difference.
	m3 := e.fork()
	ref, err := em.Reference[Book](m3, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := m3.Load(e.ctx, ref); err != nil {
		t.Fatal(err)
	}
	if !ref.Tags.IsInitialized() {
		t.Fatal("the collection of a reference loaded in place lost its stored keys")
	}
	ref.Tags.Set(t2Ref(t, m3, t2.ID))
	mark = e.mon.mark()
	e.flush(m3)
	if got := e.mon.names(mark); len(got) == 0 {
		t.Fatal("replacing the collection sent nothing")
	}
	doc := e.raw("book", oid(t, b.ID))
	vals, _ := doc.Lookup("tags").Array().Values()
	if len(vals) != 1 || vals[0].ObjectID() != oid(t, t2.ID) {
		t.Fatalf("tags after Set: %v", doc.Lookup("tags"))
	}
}

func t2Ref(t *testing.T, m *em.EntityManager, id string) *Tag {
	t.Helper()
	r, err := em.Reference[Tag](m, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestOptimisticLock(t *testing.T) {
	e := newEnv(t)
	m0 := e.fork()
	a := &Author{Name: "Sansa", Email: "sansa@x"}
	if err := m0.Persist(a); err != nil {
		t.Fatal(err)
	}
	e.flush(m0)

	m1, m2 := e.fork(), e.fork()
	a1, err := em.FindOneOrFail[Author](e.ctx, m1, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := em.FindOneOrFail[Author](e.ctx, m2, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	a1.Name = "Queen Sansa"
	e.flush(m1)
	if a1.Version != 2 {
		t.Fatalf("version after the first update = %d", a1.Version)
	}
	a2.Name = "Lady Sansa"
	err = m2.Flush(e.ctx)
	if !errors.Is(err, uow.ErrOptimisticLock) {
		t.Fatalf("stale update: %v, want ErrOptimisticLock", err)
	}
	var fe *uow.FlushError
	if !errors.As(err, &fe) || fe.Step != "update Author ×1" {
		t.Fatalf("error %v does not name the step", err)
	}
	var pw *mongo.PartialWriteError
	if errors.As(err, &pw) {
		t.Fatalf("nothing was written, yet %v", pw)
	}
	if a2.Version != 1 || a2.Name != "Lady Sansa" || !m2.IsDirty(a2) {
		t.Fatalf("after the failure: %+v dirty=%v; want it unchanged and still dirty", a2, m2.IsDirty(a2))
	}
	doc := e.raw("author", oid(t, a.ID))
	if doc.Lookup("name").StringValue() != "Queen Sansa" || doc.Lookup("version").AsInt64() != 2 {
		t.Fatalf("stored %v", doc)
	}
	// Deleting a stale entity fails the same way.
	if err := m2.Remove(a2); err != nil {
		t.Fatal(err)
	}
	if err := m2.Flush(e.ctx); !errors.Is(err, uow.ErrOptimisticLock) {
		t.Fatalf("stale delete: %v, want ErrOptimisticLock", err)
	}
	if n, _ := e.drv.Database().Collection("author").CountDocuments(e.ctx, bson.D{}); n != 1 {
		t.Fatalf("%d authors stored after a refused delete", n)
	}
	// Refreshed, it works.
	m3 := e.fork()
	a3, err := em.FindOneOrFail[Author](e.ctx, m3, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	a3.Age = 40
	e.flush(m3)
	if a3.Version != 3 {
		t.Fatalf("version = %d, want 3", a3.Version)
	}
}

func TestFailureLeavesEntitiesUnchanged(t *testing.T) {
	e := newEnv(t)
	if err := e.drv.EnsureIndexes(e.ctx); err != nil {
		t.Fatal(err)
	}
	m0 := e.fork()
	if err := m0.Persist(&Author{Name: "first", Email: "dup@x"}); err != nil {
		t.Fatal(err)
	}
	e.flush(m0)

	m := e.fork()
	ok1 := &Author{Name: "ok", Email: "ok@x"}
	dup := &Author{Name: "dup", Email: "dup@x"}
	bk := &Book{Title: "never", Author: ok1}
	if err := m.Persist(ok1, dup, bk); err != nil {
		t.Fatal(err)
	}
	mark := e.mon.mark()
	err := m.Flush(e.ctx)
	if !uow.IsUniqueViolation(err) {
		t.Fatalf("flush: %v, want a unique violation", err)
	}
	var ce *uow.ConstraintError
	if !errors.As(err, &ce) || ce.Table != "author" {
		t.Fatalf("constraint error %+v", ce)
	}
	if got := e.mon.names(mark); len(got) != 1 || got[0] != "insert author" {
		t.Fatalf("the failed flush sent %v; the book insert must not run", got)
	}
	// FerretDB (and a standalone mongod) cannot roll back: the error says
	// exactly what stayed written.
	var pw *mongo.PartialWriteError
	if e.drv.NoTransactions() {
		if !errors.As(err, &pw) {
			t.Fatalf("flush without a transaction failed with %v, want a *mongo.PartialWriteError", err)
		}
		if len(pw.Written) != 1 || len(pw.Written[0].IDs) != 1 || pw.Written[0].Collection != "author" || pw.Written[0].Unknown {
			t.Fatalf("written = %+v, want the one author inserted before the duplicate (%v)", pw.Written, err)
		}
		kept, _ := pw.Written[0].IDs[0].(string)
		if d := e.raw("author", oid(t, kept)); d.Lookup("email").StringValue() != "ok@x" {
			t.Fatalf("reported %s, stored %v", kept, d)
		}
	}
	for _, a := range []*Author{ok1, dup} {
		if a.ID != "" || a.Version != 0 {
			t.Errorf("after the failure %s has key %q version %d; want none", a.Name, a.ID, a.Version)
		}
	}
	if bk.ID != "" || !m.Contains(bk) || !m.IsDirty(bk) {
		t.Errorf("the book: key %q, tracked %v", bk.ID, m.Contains(bk))
	}
	// The EntityManager stays usable. Without a transaction the first
	// author stayed written (as reported), so its retry needs another email.
	dup.Email = "dup2@x"
	if pw != nil {
		ok1.Email = "ok-retry@x"
	}
	e.flush(m)
	if ok1.ID == "" || dup.ID == "" || bk.ID == "" || bk.Author != ok1 {
		t.Fatalf("retry did not write: %+v %+v %+v", ok1, dup, bk)
	}
}
