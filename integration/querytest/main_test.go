package querytest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/integration/embedmongo"
	"github.com/unitorm/unitorm/integration/harness"
)

func TestMain(m *testing.M) {
	harness.RegisterEmbeddedMongo(embedmongo.Start)
	harness.Main(m)
}

// env is one backend's ORM for one test.
type env struct {
	b   harness.Backend
	orm *unitorm.ORM
	mu  sync.Mutex
	n   int // statements run so far
	sql []string
}

func (e *env) fork() *em.EntityManager { return e.orm.Fork() }

func (e *env) onQuery(ev unitorm.QueryEvent) {
	e.mu.Lock()
	e.n++
	e.sql = append(e.sql, ev.SQL)
	e.mu.Unlock()
}

// statements is the number of statements run so far.
func (e *env) statements() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.n
}

// forEachSQL runs fn on every SQL backend with the entities given.
func forEachSQL(t *testing.T, entities []any, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, b := range harness.SQLBackends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			fn(t, open(t, b, entities))
		})
	}
}

func open(t *testing.T, b harness.Backend, entities []any) *env {
	t.Helper()
	tg := harness.NewTarget(t, b)
	e := &env{b: b}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := driver.Open(tg.Driver, tg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	orm, err := unitorm.Open(ctx, conn, unitorm.Config{Entities: entities, OnQuery: e.onQuery})
	if err != nil {
		t.Fatalf("open %s: %v", b, err)
	}
	t.Cleanup(func() {
		if err := orm.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if err := orm.CreateSchema(ctx); err != nil {
		t.Fatalf("create schema on %s: %v", b, err)
	}
	e.orm = orm
	return e
}
