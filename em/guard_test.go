package em_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// These tests drive the concurrent-use guard with a fake driver whose loads
// can be held open, so that "a call is running" is a fact, not a timing.

type Doc struct {
	ID    int64 `orm:"pk,autoincrement=false"`
	Title string
}

// Hooked runs what the test sets in its hooks.
type Hooked struct {
	ID     int64 `orm:"pk,autoincrement=false"`
	Name   string
	onLoad func(ctx context.Context) error
	before func(ctx context.Context) error
}

func (h *Hooked) OnLoad(ctx context.Context) error {
	if h.onLoad != nil {
		return h.onLoad(ctx)
	}
	return nil
}

func (h *Hooked) BeforeCreate(ctx context.Context) error {
	if h.before != nil {
		return h.before(ctx)
	}
	return nil
}

// fakeExec answers every load with the rows rows gives; a load waits on
// hold (when set) after signalling started.
type fakeExec struct {
	started chan struct{}
	hold    chan struct{}
	rows    func(e *meta.Entity) []any
}

func (f *fakeExec) Load(ctx context.Context, req *uow.Load) error {
	if f.started != nil {
		f.started <- struct{}{}
	}
	if f.hold != nil {
		<-f.hold
	}
	if f.rows == nil {
		return nil
	}
	for _, obj := range f.rows(req.Groups[0].Entity) {
		l := uow.Loaded{Ptr: ptrOf(obj)}
		if err := req.Row([]uow.Loaded{l}, nil); err != nil {
			return err
		}
	}
	return nil
}

func ptrOf(obj any) unsafe.Pointer {
	switch v := obj.(type) {
	case *Doc:
		return unsafe.Pointer(v)
	case *Hooked:
		return unsafe.Pointer(v)
	}
	panic("not a test entity")
}

func (f *fakeExec) Count(context.Context, qb.SelectQuery) (int64, error) { return 0, nil }
func (f *fakeExec) Execute(context.Context, *uow.Plan) error             { return nil }
func (f *fakeExec) Exec(context.Context, qb.Statement) (int64, error)    { return 0, nil }
func (f *fakeExec) QueryMaps(context.Context, qb.Statement) ([]map[string]any, error) {
	return []map[string]any{{"id": 1}}, nil
}

type fakeTx struct{ *fakeExec }

func (fakeTx) Commit(context.Context) error             { return nil }
func (fakeTx) Rollback(context.Context) error           { return nil }
func (fakeTx) Savepoint(context.Context, string) error  { return nil }
func (fakeTx) RollbackTo(context.Context, string) error { return nil }
func (fakeTx) Release(context.Context, string) error    { return nil }

type fakeDriver struct{ x *fakeExec }

func (d fakeDriver) Executor() em.Executor { return d.x }
func (d fakeDriver) Begin(context.Context, *sql.TxOptions) (em.Tx, error) {
	return fakeTx{d.x}, nil
}
func (d fakeDriver) Dialect() dialect.Dialect { return dialect.Postgres }

func newRoot(t *testing.T, x *fakeExec) *em.EntityManager {
	t.Helper()
	reg := meta.NewRegistry()
	if err := reg.Register(Doc{}, Hooked{}); err != nil {
		t.Fatal(err)
	}
	root, err := em.New(em.Config{Registry: reg, Driver: fakeDriver{x}})
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestGuardRefusesAnotherGoroutine: while a find runs on one goroutine,
// every call from another is ErrConcurrentUse and changes nothing; the
// running call finishes normally and the EntityManager is usable after.
func TestGuardRefusesAnotherGoroutine(t *testing.T) {
	x := &fakeExec{started: make(chan struct{}), hold: make(chan struct{}),
		rows: func(*meta.Entity) []any { return []any{&Doc{ID: 1, Title: "one"}} }}
	root := newRoot(t, x)
	m := root.Fork()
	ctx := context.Background()

	var (
		wg    sync.WaitGroup
		found []*Doc
		ferr  error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		found, ferr = em.FindAll[Doc](ctx, m)
	}()
	<-x.started // the find is inside the EntityManager now

	d := &Doc{ID: 2, Title: "two"}
	calls := map[string]func() error{
		"Persist": func() error { return m.Persist(d) },
		"Remove":  func() error { return m.Remove(d) },
		"Flush":   func() error { return m.Flush(ctx) },
		"Find": func() error {
			_, err := em.Find[Doc](ctx, m, qb.Cond{"title": "x"})
			return err
		},
		"FindOne": func() error {
			_, err := em.FindOne[Doc](ctx, m, int64(1))
			return err
		},
		"Count": func() error {
			_, err := em.Count[Doc](ctx, m, nil)
			return err
		},
		"QB.All": func() error {
			_, err := em.QB[Doc](m).All(ctx)
			return err
		},
		"Reference": func() error {
			_, err := em.Reference[Doc](m, int64(3))
			return err
		},
		"Create": func() error {
			_, err := em.Create[Doc](m, map[string]any{"id": int64(4)})
			return err
		},
		"Assign":       func() error { return m.Assign(d, map[string]any{"title": "changed"}) },
		"Clear":        func() error { return m.Clear() },
		"Detach":       func() error { return m.Detach(d) },
		"Populate":     func() error { return m.Populate(ctx, d) },
		"Refresh":      func() error { return m.Refresh(ctx, d) },
		"Lock":         func() error { return m.Lock(ctx, d, em.LockPessimisticWrite) },
		"Begin":        func() error { return m.Begin(ctx) },
		"Commit":       func() error { return m.Commit(ctx) },
		"Rollback":     func() error { return m.Rollback(ctx) },
		"Upsert":       func() error { return m.Upsert(ctx, d) },
		"PreviewFlush": func() error { _, err := m.PreviewFlush(); return err },
		"Transactional": func() error {
			return m.Transactional(ctx, func(context.Context, *em.EntityManager) error { return nil })
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, em.ErrConcurrentUse) {
			t.Errorf("%s while another goroutine's find runs: %v, want ErrConcurrentUse", name, err)
		}
	}
	if d.Title != "two" || m.Contains(d) {
		t.Errorf("a refused call changed something: title %q, tracked %v", d.Title, m.Contains(d))
	}
	// Forking is not using: it works while m is busy.
	if f := m.Fork(); f == nil {
		t.Fatal("Fork returned nil")
	}
	close(x.hold)
	wg.Wait()
	if ferr != nil || len(found) != 1 || found[0].Title != "one" {
		t.Fatalf("the running find: %v, %v", found, ferr)
	}
	x.started = nil
	if err := m.Persist(d); err != nil {
		t.Fatalf("Persist after the find: %v", err)
	}
	if _, err := em.FindOne[Doc](ctx, m, int64(1)); err != nil {
		t.Fatalf("FindOne after the find: %v", err)
	}
}

// TestGuardLetsHooksIn: hooks run on the goroutine of the call that runs
// them and may use their EntityManager; a flush from a hook is still
// ErrFlushInProgress; after a hook panics the EntityManager is usable.
func TestGuardLetsHooksIn(t *testing.T) {
	x := &fakeExec{}
	root := newRoot(t, x)
	m := root.Fork()
	ctx := em.WithContext(context.Background(), m)

	var inHook []error
	x.rows = func(e *meta.Entity) []any {
		if e.Name == "Hooked" {
			return []any{&Hooked{ID: 1, Name: "h", onLoad: nil}}
		}
		return []any{&Doc{ID: 7, Title: "seven"}}
	}
	loaded, err := em.FindAll[Hooked](ctx, m)
	if err != nil || len(loaded) != 1 {
		t.Fatalf("find: %v %v", loaded, err)
	}
	h := loaded[0]
	// The next load of h's row runs its OnLoad on the tracked instance.
	h.onLoad = func(ctx context.Context) error {
		hm, _ := em.FromContext(ctx)
		inHook = append(inHook, hm.Persist(&Doc{ID: 8, Title: "from OnLoad"}))
		_, err := em.FindOne[Doc](ctx, hm, qb.Cond{"title": "seven"})
		inHook = append(inHook, err)
		return nil
	}
	if _, err := em.FindAll[Hooked](ctx, m, em.Refresh()); err != nil {
		t.Fatalf("find with a hook that uses the EntityManager: %v", err)
	}
	h.onLoad = nil
	if len(inHook) != 2 || inHook[0] != nil || inHook[1] != nil {
		t.Fatalf("calls from OnLoad: %v, want them let in", inHook)
	}

	r := &Hooked{ID: 2, Name: "rogue", before: func(ctx context.Context) error {
		hm, _ := em.FromContext(ctx)
		return hm.Flush(ctx)
	}}
	if err := m.Persist(r); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); !errors.Is(err, em.ErrFlushInProgress) {
		t.Fatalf("flush from a hook: %v, want ErrFlushInProgress", err)
	}
	r.before = func(context.Context) error { panic("hook panic") }
	func() {
		defer func() {
			if p := recover(); p != "hook panic" {
				t.Errorf("recovered %v", p)
			}
		}()
		_ = m.Flush(ctx)
	}()
	r.before = nil
	if err := m.Flush(ctx); err != nil {
		t.Fatalf("flush after a hook panicked: %v (guard left taken?)", err)
	}
}

// TestGuardDuringTransactional: while fn runs, the EntityManager
// Transactional was called on is busy and says to use the fork; the fork
// works, and so does m after.
func TestGuardDuringTransactional(t *testing.T) {
	x := &fakeExec{}
	m := newRoot(t, x).Fork()
	ctx := context.Background()
	var outer error
	err := m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
		outer = m.Persist(&Doc{ID: 1})
		return tm.Persist(&Doc{ID: 2})
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(outer, em.ErrConcurrentUse) || !strings.Contains(outer.Error(), "Transactional") {
		t.Errorf("m used inside its own Transactional: %v, want ErrConcurrentUse naming Transactional", outer)
	}
	if err := m.Persist(&Doc{ID: 3}); err != nil {
		t.Errorf("m after Transactional: %v", err)
	}
	// A panic in fn leaves m usable.
	func() {
		defer func() { _ = recover() }()
		_ = m.Transactional(ctx, func(context.Context, *em.EntityManager) error { panic("boom") })
	}()
	if err := m.Flush(ctx); err != nil {
		t.Errorf("m after a panicking Transactional: %v", err)
	}
}

// TestGuardReleasedOnErrors: a call that fails gives the guard back.
func TestGuardReleasedOnErrors(t *testing.T) {
	m := newRoot(t, &fakeExec{}).Fork()
	ctx := context.Background()
	if _, err := em.Find[Doc](ctx, m, qb.Cond{"nope": 1}); !errors.Is(err, em.ErrUnknownProperty) {
		t.Fatalf("bad condition: %v", err)
	}
	if err := m.Persist(42); err == nil {
		t.Fatal("Persist of a non-entity succeeded")
	}
	if _, err := em.FindAll[Doc](ctx, m); err != nil {
		t.Fatalf("find after failed calls: %v", err)
	}
}
