package emsuite

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

// TestBidirectionalInSync: setting the owning side of a relation adds the
// entity to the other side's loaded collection; adding to the collection
// sets the owning side.
func TestBidirectionalInSync(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ids := seedAuthors(t, e, "ann")
		m := e.fork()
		a, err := em.FindOneOrFail[Author](ctx, m, ids["ann"], em.Populate("books"))
		if err != nil {
			t.Fatal(err)
		}
		b := &Book{Title: "owning side set", Author: a}
		if err := m.Persist(b); err != nil {
			t.Fatal(err)
		}
		if !a.Books.Contains(b) {
			t.Error("a book persisted with Author set is not in the author's loaded books")
		}
		b2 := &Book{Title: "added to the collection"}
		a.Books.Add(b2)
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if b2.Author != a || b2.ID == 0 {
			t.Errorf("book added to the collection: author %p, id %d", b2.Author, b2.ID)
		}
		if n, err := a.Books.Len(); err != nil || n != 2 {
			t.Errorf("author has %d books (%v), want 2", n, err)
		}
		if n, _ := em.Count[Book](ctx, e.fork(), qb.Cond{"author.email": "ann@x"}); n != 2 {
			t.Errorf("%d books of ann in the database", n)
		}
	})
}

// TestMoveChildByOwningSide: setting a loaded book's Author to another
// author moves it, even though the old author's loaded collection still
// lists it; the new author's loaded collection gains it.
func TestMoveChildByOwningSide(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ids := seedAuthors(t, e, "ann", "bob")
		sm := e.fork()
		if err := persistFlush(ctx, sm, &Book{Title: "moving", Author: mustRef[Author](t, sm, ids["ann"])}); err != nil {
			t.Fatal(err)
		}
		m := e.fork()
		ann, err := em.FindOneOrFail[Author](ctx, m, ids["ann"], em.Populate("books"))
		if err != nil {
			t.Fatal(err)
		}
		bob, err := em.FindOneOrFail[Author](ctx, m, ids["bob"], em.Populate("books"))
		if err != nil {
			t.Fatal(err)
		}
		books, err := ann.Books.Items()
		if err != nil || len(books) != 1 {
			t.Fatalf("ann's books: %d, %v", len(books), err)
		}
		books[0].Author = bob
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		equalStrings(t, "move", shapes(e.rec.since(mark)), []string{"UPDATE book SET author_id"})
		if books[0].Author != bob || !bob.Books.Contains(books[0]) {
			t.Errorf("after the move: author is bob %v, in bob's books %v", books[0].Author == bob, bob.Books.Contains(books[0]))
		}
		if n, _ := em.Count[Book](ctx, e.fork(), qb.Cond{"author.name": "bob"}); n != 1 {
			t.Errorf("%d books of bob in the database, want 1", n)
		}
	})
}

// TestRemoveAndPersistUndo: removing a new entity cancels its insert;
// persisting a removed entity cancels its delete; Detach stops tracking.
func TestRemoveAndPersistUndo(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ids := seedAuthors(t, e, "ann", "bob")
		m := e.fork()
		n := &Note{Text: "never"}
		if err := m.Persist(n); err != nil {
			t.Fatal(err)
		}
		if err := m.Remove(n); err != nil {
			t.Fatal(err)
		}
		a, err := em.FindOneOrFail[Author](ctx, m, ids["ann"])
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Remove(a); err != nil {
			t.Fatal(err)
		}
		if err := m.Persist(a); err != nil {
			t.Fatal(err)
		}
		b, err := em.FindOneOrFail[Author](ctx, m, ids["bob"])
		if err != nil {
			t.Fatal(err)
		}
		m.Detach(b)
		b.Name = "detached change"
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got := e.rec.since(mark); len(got) != 0 {
			t.Errorf("flush after undone operations ran %q", got)
		}
		if stateOf(m, a) != uow.StateManaged || m.Contains(n) || m.Contains(b) {
			t.Errorf("states: ann %v, note tracked %v, bob tracked %v", stateOf(m, a), m.Contains(n), m.Contains(b))
		}
	})
}

// TestFailedFlushKeepsVersionsAndScheduledWork: a flush whose update ran
// before a failing delete leaves the updated entity dirty at its old
// version and the removal scheduled; fixing the cause and flushing again
// writes both.
func TestFailedFlushKeepsVersionsAndScheduledWork(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ids := seedAuthors(t, e, "ann", "bob")
		sm := e.fork()
		seed := &Book{Title: "keeps bob", Author: mustRef[Author](t, sm, ids["bob"])}
		if err := persistFlush(ctx, sm, seed); err != nil {
			t.Fatal(err)
		}
		m := e.fork()
		ann, err := em.FindOneOrFail[Author](ctx, m, ids["ann"])
		if err != nil {
			t.Fatal(err)
		}
		bob, err := em.FindOneOrFail[Author](ctx, m, ids["bob"])
		if err != nil {
			t.Fatal(err)
		}
		ann.Age = 77
		if err := m.Remove(bob); err != nil { // bob still has a book: the delete fails
			t.Fatal(err)
		}
		mark := e.rec.mark()
		err = m.Flush(ctx)
		if !uow.IsForeignKeyViolation(err) {
			t.Fatalf("flush error %v, want a foreign-key violation", err)
		}
		equalStrings(t, "failed flush", shapes(e.rec.since(mark)), []string{
			"BEGIN", "UPDATE author SET age,version", "DELETE author", "ROLLBACK"})
		if ann.Version != 1 || !m.IsDirty(ann) || stateOf(m, bob) != uow.StateRemoved {
			t.Errorf("after the failed flush: ann v%d dirty %v, bob %v", ann.Version, m.IsDirty(ann), stateOf(m, bob))
		}
		if got, _ := em.FindOneOrFail[Author](ctx, e.fork(), ids["ann"]); got == nil || got.Age != 30 || got.Version != 1 {
			t.Errorf("ann's row after the failed flush: %+v", got)
		}
		b, err := em.FindOneOrFail[Book](ctx, m, seed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Remove(b); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("flush after removing the book: %v", err)
		}
		if ann.Version != 2 || m.Contains(bob) {
			t.Errorf("after the retry: ann v%d, bob tracked %v", ann.Version, m.Contains(bob))
		}
		if n := e.count(t, "author"); n != 1 {
			t.Errorf("%d authors after the retry, want 1", n)
		}
	})
}

// TestRepositoryAndRawRows: the generic repository and the entity-aware
// builder's raw-rows mode.
func TestRepositoryAndRawRows(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		repo := em.Repo[Author](m)
		a, err := repo.Create(map[string]any{"name": "ann", "email": "ann@repo", "age": 5})
		if err != nil {
			t.Fatal(err)
		}
		if err := repo.Persist(&Author{Name: "bob", Email: "bob@repo", Age: 6}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		one, err := repo.FindOneOrFail(ctx, qb.Cond{"age": qb.Lt(6)})
		if err != nil || one != a {
			t.Errorf("repo FindOneOrFail: %p, %v; want %p", one, err, a)
		}
		if n, err := repo.Count(ctx, nil); n != 2 || err != nil {
			t.Errorf("repo Count: %d, %v", n, err)
		}
		rows, err := repo.QB().Where(qb.Cond{"name": "bob"}).Maps(ctx)
		if err != nil || len(rows) != 1 {
			t.Fatalf("Maps: %v, %v", rows, err)
		}
		if v, ok := rows[0]["email"]; !ok || asString(v) != "bob@repo" {
			t.Errorf("raw row %v", rows[0])
		}
		if uow.OfManager(m).IdentityMap().Len() != 2 {
			t.Errorf("raw rows were hydrated: %d tracked", uow.OfManager(m).IdentityMap().Len())
		}
	})
}

func asString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	s, _ := v.(string)
	return s
}

// TestMiddlewareForksPerRequest: each request gets its own fork of the
// root, reachable from the request's context.
func TestMiddlewareForksPerRequest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		var mu sync.Mutex
		seen := map[*em.EntityManager]bool{}
		h := em.Middleware(e.orm.EM())(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m, ok := em.FromContext(r.Context())
			if !ok || m == e.orm.EM() {
				http.Error(w, "no fork", http.StatusInternalServerError)
				return
			}
			mu.Lock()
			seen[m] = true
			mu.Unlock()
			if err := persistFlush(r.Context(), m, &Note{Text: r.URL.Path}); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
		}))
		for _, p := range []string{"/a", "/b", "/c"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, p, nil))
			if rec.Code != http.StatusOK {
				t.Errorf("%s: %d %s", p, rec.Code, rec.Body.String())
			}
		}
		if len(seen) != 3 {
			t.Errorf("%d EntityManagers for 3 requests", len(seen))
		}
		equalStrings(t, "notes", noteTexts(t, e), []string{"/a", "/b", "/c"})
	})
}

// TestIsolationLevel: Transactional passes its options to BEGIN.
func TestIsolationLevel(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		err := e.fork().Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
			return tm.Persist(&Note{Text: "serializable"})
		}, em.TxOptions{Isolation: sql.LevelSerializable})
		if err != nil {
			t.Fatal(err)
		}
		equalStrings(t, "notes", noteTexts(t, e), []string{"serializable"})
		err = e.fork().Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
			return tm.Persist(&Note{Text: "read only"})
		}, em.TxOptions{ReadOnly: true})
		if err == nil && e.b != "sqlite" {
			t.Error("a write in a read-only transaction succeeded")
		}
	})
}

// logSink keeps the records of a slog.Logger.
type logSink struct {
	mu      sync.Mutex
	records []slog.Record
}

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *logSink) Handle(_ context.Context, r slog.Record) error {
	s.mu.Lock()
	s.records = append(s.records, r)
	s.mu.Unlock()
	return nil
}
func (s *logSink) WithAttrs([]slog.Attr) slog.Handler { return s }
func (s *logSink) WithGroup(string) slog.Handler      { return s }

func attrsOf(r slog.Record) map[string]slog.Value {
	out := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool { out[a.Key] = a.Value; return true })
	return out
}

// TestLogging: each statement is logged with its SQL, duration and rows;
// parameters only with LogParams; failures at Warn with the error.
func TestLogging(t *testing.T) {
	for _, withParams := range []bool{false, true} {
		sink := &logSink{}
		name := "without params"
		if withParams {
			name = "with params"
		}
		// Distinct subtest names: a repeated one gets a "#01" suffix, and the
		// harness's SQLite DSN does not escape '#' in the file path.
		t.Run(name, func(t *testing.T) { testLogging(t, sink, withParams) })
	}
}

func testLogging(t *testing.T, sink *logSink, withParams bool) {
	forEachBackendWith(t, func(c *unitorm.Config) {
		c.Logger = slog.New(sink)
		c.LogParams = withParams
	}, func(t *testing.T, e *env) {
		sink.records = nil
		ctx := context.Background()
		if err := persistFlush(ctx, e.fork(), &Note{Text: "logged"}); err != nil {
			t.Fatal(err)
		}
		a1, a2 := &Author{Name: "a", Email: "same@log"}, &Author{Name: "b", Email: "same@log"}
		if err := persistFlush(ctx, e.fork(), a1, a2); err == nil {
			t.Fatal("duplicate emails flushed")
		}
		var insert, failed *slog.Record
		for i := range sink.records {
			r := &sink.records[i]
			sqlText := attrsOf(*r)["sql"].String()
			if strings.Contains(sqlText, "note") && strings.HasPrefix(sqlText, "INSERT") {
				insert = r
			}
			if r.Level == slog.LevelWarn && strings.Contains(sqlText, "author") {
				failed = r
			}
		}
		if insert == nil {
			t.Fatalf("no log record for the insert among %d", len(sink.records))
		}
		at := attrsOf(*insert)
		if _, ok := at["duration"]; !ok || at["rows"].Int64() != 1 || insert.Level != slog.LevelDebug {
			t.Errorf("insert record: level %v, attrs %v", insert.Level, at)
		}
		if _, ok := at["args"]; ok != withParams {
			t.Errorf("LogParams %v but args logged: %v", withParams, ok)
		}
		if failed == nil || attrsOf(*failed)["error"].String() == "" {
			t.Errorf("the failed insert is not logged at Warn with its error")
		}
	})
}
