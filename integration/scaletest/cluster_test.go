//go:build scaleout

package scaletest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/mysql"
	"github.com/unitorm/unitorm/driver/postgres"
	"github.com/unitorm/unitorm/sqldb"
)

// The variables scripts/cluster.sh env prints.
const (
	envScript        = "UNITORM_CLUSTER_SCRIPT"
	envPGPrimary     = "UNITORM_PG_PRIMARY_DSN"
	envPGReplicas    = "UNITORM_PG_REPLICA_DSNS"
	envMariaPrimary  = "UNITORM_MARIADB_PRIMARY_DSN"
	envMariaReplicas = "UNITORM_MARIADB_REPLICA_DSNS"
	envGalera        = "UNITORM_GALERA_DSNS"
)

// need returns the variables named, failing the test when one is missing
// and CI=true, skipping it otherwise (the topology is not up).
func need(t *testing.T, names ...string) []string {
	t.Helper()
	var out, missing []string
	for _, n := range names {
		v := strings.TrimSpace(os.Getenv(n))
		if v == "" {
			missing = append(missing, n)
		}
		out = append(out, v)
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("scale-out topology not up: %s unset (run: scripts/cluster.sh up all && eval \"$(scripts/cluster.sh env)\")",
			strings.Join(missing, ", "))
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return out
}

// cluster runs scripts/cluster.sh with args (bounded).
func cluster(t *testing.T, args ...string) {
	t.Helper()
	script := need(t, envScript)[0]
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("cluster.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// Account is a versioned row the tests update concurrently.
type Account struct {
	ID      int64 `orm:"pk"`
	Owner   string
	Balance int64
	Version int `orm:"version"`
}

// Entry is one write of a worker in the load tests (no unique key, so a
// duplicate would show).
type Entry struct {
	ID     int64 `orm:"pk"`
	Worker int
	Seq    int
}

var entities = []any{Account{}, Entry{}}

// family is a topology's database kind.
type family struct {
	name    string
	connect func(dsn string) unitorm.Connector
	// scoped returns dsn inside namespace ns (a schema or a database).
	scoped func(dsn, ns string) string
	// create and drop make and remove ns on the primary.
	create, drop func(ns string) string
}

var pgFamily = family{
	name:    "postgres",
	connect: postgres.Open,
	scoped: func(dsn, ns string) string {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + ns
	},
	create: func(ns string) string { return "CREATE SCHEMA " + ns },
	drop:   func(ns string) string { return "DROP SCHEMA IF EXISTS " + ns + " CASCADE" },
}

var mariaFamily = family{
	name:    "mariadb",
	connect: mysql.OpenMariaDB,
	scoped: func(dsn, ns string) string {
		i := strings.LastIndex(dsn, "/")
		rest := ""
		if q := strings.Index(dsn[i:], "?"); q >= 0 {
			rest = dsn[i+q:]
		}
		return dsn[:i+1] + ns + rest
	},
	create: func(ns string) string { return "CREATE DATABASE " + ns },
	drop:   func(ns string) string { return "DROP DATABASE IF EXISTS " + ns },
}

// events records the statements of one ORM by node (probes apart).
type events struct {
	mu     sync.Mutex
	byNode map[string]int
	log    []sqldb.QueryEvent
}

func (e *events) on(ev unitorm.QueryEvent) {
	if ev.Probe {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.byNode == nil {
		e.byNode = map[string]int{}
	}
	e.byNode[ev.Node]++
	e.log = append(e.log, ev)
}

// mark returns the position of the next event.
func (e *events) mark() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.log)
}

// since returns the events after mark.
func (e *events) since(mark int) []sqldb.QueryEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]sqldb.QueryEvent(nil), e.log[mark:]...)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// topo is an ORM on a primary and its replicas, in a namespace of its own.
type topo struct {
	orm      *unitorm.ORM
	ev       *events
	logs     *syncBuffer
	primary  *sqldb.DB   // direct, unrouted
	replicas []*sqldb.DB // direct, for waiting on replication
	ns       string
}

// openTopo creates a namespace on the primary, waits until every replica
// has it, and opens an ORM on them with cfg (Entities, Replicas, OnQuery
// and Logger are set here).
func openTopo(t *testing.T, f family, primaryDSN string, replicaDSNs []string, cfg unitorm.Config) *topo {
	t.Helper()
	ctx := context.Background()
	ns := fmt.Sprintf("scale_%d", rand.Uint32())
	admin := openDB(t, f, primaryDSN)
	if _, err := admin.ExecContext(ctx, f.create(ns)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), f.drop(ns)) })
	tp := &topo{ev: &events{}, logs: &syncBuffer{}, ns: ns}
	cfg.Entities = entities
	cfg.OnQuery = tp.ev.on
	cfg.Logger = slog.New(slog.NewTextHandler(tp.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	for _, r := range replicaDSNs {
		waitNamespace(t, f, f.scoped(r, ns))
		cfg.Replicas = append(cfg.Replicas, f.connect(f.scoped(r, ns)))
	}
	var err error
	tp.orm, err = unitorm.Open(ctx, f.connect(f.scoped(primaryDSN, ns)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tp.orm.Close() })
	if err := tp.orm.CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	tp.primary = openDB(t, f, f.scoped(primaryDSN, ns))
	for _, r := range replicaDSNs {
		tp.replicas = append(tp.replicas, openDB(t, f, f.scoped(r, ns)))
	}
	tp.waitReplicated(t)
	return tp
}

// waitNamespace waits (bounded) until a replica has the test's namespace.
func waitNamespace(t *testing.T, f family, dsn string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		db, err := openDBErr(f, dsn)
		if err == nil {
			_ = db.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("namespace not replicated within 60s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func openDBErr(f family, dsn string) (*sqldb.DB, error) {
	if f.name == "postgres" {
		return postgres.OpenDB(context.Background(), dsn)
	}
	return mysql.OpenMariaDBDB(context.Background(), dsn)
}

// openDB opens a plain pool (not the ORM's) on dsn.
func openDB(t *testing.T, f family, dsn string) *sqldb.DB {
	t.Helper()
	db, err := openDBErr(f, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// waitReplicated waits (bounded) until every replica holds the primary's
// rows of both tables.
func (tp *topo) waitReplicated(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	want := tp.counts(t, tp.primary)
	deadline := time.Now().Add(60 * time.Second)
	for i, r := range tp.replicas {
		for {
			got, err := tryCounts(ctx, r)
			if err == nil && got == want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica %d did not catch up within 60s: %v (%v), primary %v", i+1, got, err, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func (tp *topo) counts(t *testing.T, db *sqldb.DB) [2]int64 {
	t.Helper()
	c, err := tryCounts(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func tryCounts(ctx context.Context, db *sqldb.DB) ([2]int64, error) {
	var c [2]int64
	for i, table := range []string{"account", "entry"} {
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&c[i]); err != nil {
			return c, err
		}
	}
	return c, nil
}
