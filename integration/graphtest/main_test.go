package graphtest

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/driver/mongo"
	"github.com/unitorm/unitorm/integration/embedmongo"
	"github.com/unitorm/unitorm/integration/harness"
)

func TestMain(m *testing.M) {
	harness.RegisterEmbeddedMongo(embedmongo.Start)
	harness.Main(m)
}

var (
	flagOps   = flag.Int("graph.ops", 800, "operations per seed")
	flagSeed  = flag.Uint64("graph.seed", 1, "first seed of the random runs")
	flagSeeds = flag.Int("graph.seeds", 3, "number of random runs per backend (seeds graph.seed, graph.seed+1, ...)")
	flagTrace = flag.Bool("graph.trace", false, "log every operation as it runs")
	flagAvoid = flag.String("graph.avoid", "", "comma-separated operation variants not to generate, to look past a known failure (see variants in ops_test.go)")
)

// listed reports whether the comma-separated list names v.
func listed(list, v string) bool {
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == v {
			return true
		}
	}
	return false
}

// backend is one backend's ORM over the model, for one test.
type backend struct {
	b       harness.Backend
	orm     *unitorm.ORM
	queries atomic.Int64 // SQL statements run (0 on MongoDB)
}

// forEachBackend runs fn as a parallel subtest per backend (sqlite,
// postgres, mysql, mariadb with int64 keys, mongo with ObjectID keys).
// Each call of open inside fn makes a fresh namespace with the model's
// tables.
func forEachBackend(t *testing.T, sql func(t *testing.T, open func(t *testing.T) *backend), mongo func(t *testing.T, open func(t *testing.T) *backend)) {
	for _, b := range harness.Backends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			if b == harness.Mongo {
				mongo(t, func(t *testing.T) *backend { return openBackend(t, b, entities[string]()) })
				return
			}
			sql(t, func(t *testing.T) *backend { return openBackend(t, b, entities[int64]()) })
		})
	}
}

func openBackend(t *testing.T, b harness.Backend, ents []any) *backend {
	t.Helper()
	be := &backend{b: b}
	cfg := unitorm.Config{Entities: ents}
	var conn unitorm.Connector
	if b == harness.Mongo {
		tg := harness.MongoDB(t)
		conn = mongo.Open(tg.DSN)
	} else {
		tg := harness.NewTarget(t, b)
		c, err := driver.Open(tg.Driver, tg.DSN)
		if err != nil {
			t.Fatal(err)
		}
		conn = c
		cfg.OnQuery = func(unitorm.QueryEvent) { be.queries.Add(1) }
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	orm, err := unitorm.Open(ctx, conn, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", b, err)
	}
	t.Cleanup(func() {
		if err := orm.Close(); err != nil {
			t.Errorf("close %s: %v", b, err)
		}
	})
	if err := orm.CreateSchema(ctx); err != nil {
		t.Fatalf("create schema on %s: %v", b, err)
	}
	be.orm = orm
	return be
}

// sqlQueries returns the statements run so far on SQL backends, -1 on MongoDB
// (whose commands are not counted).
func (be *backend) sqlQueries() int64 {
	if be.b == harness.Mongo {
		return -1
	}
	return be.queries.Load()
}

func (be *backend) String() string { return fmt.Sprint(be.b) }
