package unitorm_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// Two SQLite files stand in for a primary and a replica that hold
// different rows, so that a read's answer shows where it ran (the real
// replicas are tested in integration/scaletest).
func openRouted(t *testing.T) (*unitorm.ORM, *[]unitorm.QueryEvent, *bytes.Buffer) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	for _, name := range []string{"primary", "replica"} {
		o, err := unitorm.Open(ctx, sqlite.Open("file:"+filepath.Join(dir, name+".db")), unitorm.Config{Entities: []any{Ledger{}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := o.CreateSchema(ctx); err != nil {
			t.Fatal(err)
		}
		m := o.Fork()
		if err := m.Persist(&Ledger{Name: "on " + name}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		_ = o.Close()
	}
	var (
		mu  sync.Mutex
		evs []unitorm.QueryEvent
		log bytes.Buffer
	)
	orm, err := unitorm.Open(ctx, sqlite.Open("file:"+filepath.Join(dir, "primary.db")), unitorm.Config{
		Entities: []any{Ledger{}},
		Replicas: []unitorm.Connector{sqlite.Open("file:" + filepath.Join(dir, "replica.db"))},
		OnQuery: func(ev unitorm.QueryEvent) {
			mu.Lock()
			defer mu.Unlock()
			if !ev.Probe {
				evs = append(evs, ev)
			}
		},
		Logger: slog.New(slog.NewTextHandler(&log, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = orm.Close() })
	return orm, &evs, &log
}

func names(t *testing.T, ctx context.Context, m *em.EntityManager) string {
	t.Helper()
	ls, err := em.Find[Ledger](ctx, m, qb.Cond{}, em.OrderBy("name", qb.Asc))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return strings.Join(out, ",")
}

// TestReplicaRouting: reads of a fork go to the replica until it writes,
// then to the primary; OnPrimary and UsePrimary send reads to the primary;
// events name the node.
func TestReplicaRouting(t *testing.T) {
	ctx := context.Background()
	orm, evs, _ := openRouted(t)
	m := orm.Fork()
	if got := names(t, ctx, m); got != "on replica" {
		t.Errorf("first read: %q, want the replica's row", got)
	}
	if last := (*evs)[len(*evs)-1]; last.Node != "replica1" {
		t.Errorf("event node %q", last.Node)
	}
	if got := names(t, em.OnPrimary(ctx), m); got != "on primary" {
		t.Errorf("OnPrimary read: %q", got)
	}
	if m.ReadsFromPrimary() {
		t.Error("a fork that has not written reads from the primary")
	}
	if err := m.Persist(&Ledger{Name: "new"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if last := (*evs)[len(*evs)-1]; last.Node != "primary" {
		t.Errorf("flush ran on %q", last.Node)
	}
	if got := names(t, ctx, m); got != "new,on primary" || !m.ReadsFromPrimary() {
		t.Errorf("read after the fork's flush: %q, want its own write (read-your-writes)", got)
	}
	if got := names(t, ctx, orm.Fork()); got != "on replica" {
		t.Errorf("a new fork reads %q, want the replica again", got)
	}
	p := orm.Fork()
	p.UsePrimary()
	if got := names(t, ctx, p); got != "new,on primary" {
		t.Errorf("UsePrimary read: %q", got)
	}
	tx := orm.Fork()
	err := tx.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
		if got := names(t, ctx, tm); got != "new,on primary" {
			t.Errorf("read in a transaction: %q", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Refresh and Lock read the primary: the replica's row 1 ("on
	// replica") refreshes to the primary's row 1.
	r := orm.Fork()
	l, err := em.FindOneOrFail[Ledger](ctx, r, qb.Cond{"id": 1})
	if err != nil || l.Name != "on replica" {
		t.Fatalf("%+v %v", l, err)
	}
	if err := r.Refresh(ctx, l); err != nil || l.Name != "on primary" {
		t.Errorf("Refresh read %q (%v), want the primary's row", l.Name, err)
	}
	if r.ReadsFromPrimary() {
		t.Error("Refresh pinned the fork to the primary")
	}
	var n int64
	if err := qb.Select(qb.Raw("COUNT(*)")).From("ledger").Scan(ctx, orm.ReadSQL(), &n); err != nil || n != 1 {
		t.Errorf("ReadSQL count %d (%v), want the replica's 1", n, err)
	}
}

// TestReplicaDownIsSkipped: a replica that fails is skipped with a log
// line; reads go to the primary and do not fail.
func TestReplicaDownIsSkipped(t *testing.T) {
	ctx := context.Background()
	orm, _, log := openRouted(t)
	if err := orm.DB().Replicas()[0].Close(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got := names(t, ctx, orm.Fork()); got != "on primary" {
			t.Errorf("read with the replica down: %q", got)
		}
	}
	if s := log.String(); !strings.Contains(s, "replica skipped") || !strings.Contains(s, "node=replica1") {
		t.Errorf("log: %s", s)
	}
}

// TestReplicaRoutingConcurrent: forks on many goroutines share the router
// (its round-robin counter and health verdicts); run with -race.
func TestReplicaRoutingConcurrent(t *testing.T) {
	ctx := context.Background()
	orm, _, _ := openRouted(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				m := orm.Fork()
				ls, err := em.Find[Ledger](ctx, m, qb.Cond{})
				if err != nil || len(ls) != 1 || ls[0].Name != "on replica" {
					t.Errorf("goroutine %d read %d: %v %v", g, i, ls, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
