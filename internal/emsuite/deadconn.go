package emsuite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/qb"
)

// deadConnBackends runs fn on the servers whose connections a test can end
// from another session. The ORM's PostgreSQL sessions carry an application
// name of their own, and on MySQL/MariaDB the test's database is its own, so
// that the kills reach no other test's connections.
func deadConnBackends(t *testing.T, fn func(t *testing.T, e *env, k *killer)) {
	t.Helper()
	for _, b := range []testkit.Backend{testkit.Postgres, testkit.MariaDB, testkit.MySQL} {
		t.Run(string(b), func(t *testing.T) {
			k := &killer{b: b}
			e := openDSN(t, b, func(dsn string) string {
				switch b {
				case testkit.Postgres:
					k.app = fmt.Sprintf("unitorm_deadconn_%d", time.Now().UnixNano())
					u, err := url.Parse(dsn)
					if err != nil {
						t.Fatalf("PostgreSQL DSN must be a URL here: %v", err)
					}
					q := u.Query()
					q.Set("application_name", k.app)
					u.RawQuery = q.Encode()
					dsn = u.String()
					k.admin = openAdmin(t, "pgx", dsn)
				default:
					cfg, err := mysql.ParseDSN(dsn)
					if err != nil {
						t.Fatal(err)
					}
					k.db = cfg.DBName
					k.admin = openAdmin(t, "mysql", dsn)
				}
				return dsn
			}, nil)
			fn(t, e, k)
		})
	}
}

func openAdmin(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// killer ends the ORM's connections from a connection of its own.
type killer struct {
	b     testkit.Backend
	app   string // PostgreSQL: the ORM's application_name
	db    string // MySQL, MariaDB: the test's database
	admin *sql.DB
}

// kill ends the ORM's sessions in state (PostgreSQL's pg_stat_activity
// states: "idle", "idle in transaction") and returns how many it ended.
func (k *killer) kill(t *testing.T, state string) int {
	t.Helper()
	ctx := context.Background()
	var (
		rows *sql.Rows
		err  error
	)
	switch {
	case k.b == testkit.Postgres:
		rows, err = k.admin.QueryContext(ctx, `SELECT pid FROM pg_stat_activity
			WHERE application_name = $1 AND state = $2`, k.app, state)
	case state == "idle":
		rows, err = k.admin.QueryContext(ctx, `SELECT id FROM information_schema.processlist
			WHERE db = ? AND command = 'Sleep' AND id <> CONNECTION_ID()`, k.db)
	default:
		rows, err = k.admin.QueryContext(ctx, `SELECT p.id FROM information_schema.processlist p
			JOIN information_schema.innodb_trx t ON t.trx_mysql_thread_id = p.id
			WHERE p.db = ? AND p.id <> CONNECTION_ID()`, k.db)
	}
	if err != nil {
		t.Fatalf("list sessions: %v", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if k.b == testkit.Postgres {
			_, err = k.admin.ExecContext(ctx, "SELECT pg_terminate_backend($1)", id)
		} else {
			_, err = k.admin.ExecContext(ctx, fmt.Sprintf("KILL %d", id))
		}
		if err != nil && !strings.Contains(err.Error(), "Unknown thread") {
			t.Fatalf("end session %d: %v", id, err)
		}
	}
	time.Sleep(100 * time.Millisecond) // the server closes the sockets
	return len(ids)
}

// warmPool leaves n connections idle in the ORM's pool: n statements that
// each hold a connection for a moment, run at once.
func warmPool(t *testing.T, e *env, n int) {
	t.Helper()
	sleep := qb.Raw("pg_sleep(0.2)")
	if e.b != testkit.Postgres {
		sleep = qb.Raw("SLEEP(0.2)")
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := e.orm.SQL().QueryMaps(context.Background(), qb.Select(sleep))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("warm pool: %v", err)
		}
	}
}

// TestDeadPooledConnectionsRetried ends the idle connections of the pool
// between flushes: each later flush and read succeeds on a fresh connection,
// because nothing had been sent on the dead ones.
func TestDeadPooledConnectionsRetried(t *testing.T) {
	deadConnBackends(t, func(t *testing.T, e *env, k *killer) {
		ctx := context.Background()
		const n = 4
		warmPool(t, e, n)
		if killed := k.kill(t, "idle"); killed == 0 {
			t.Fatal("no idle connection to end")
		}
		for i := range n + 2 {
			m := e.fork()
			m.Persist(&Author{Name: "Dead", Email: fmt.Sprintf("dead%d@x", i)})
			if err := m.Flush(ctx); err != nil {
				t.Fatalf("flush %d after the connections died: %v", i, err)
			}
		}
		warmPool(t, e, n)
		k.kill(t, "idle")
		for i := range n + 2 {
			if _, err := em.Find[Author](ctx, e.fork(), qb.Cond{"name": "Dead"}); err != nil {
				t.Fatalf("find %d after the connections died: %v", i, err)
			}
		}
	})
}

// TestDeadConnectionInTransaction ends a transaction's connection while it
// is open: the next statement fails with ErrTransactionLost, which says the
// work can be retried whole, and a retry on a fresh fork succeeds.
func TestDeadConnectionInTransaction(t *testing.T) {
	deadConnBackends(t, func(t *testing.T, e *env, k *killer) {
		ctx := context.Background()
		run := func(kill bool) error {
			return e.fork().Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
				if _, err := em.Find[Author](ctx, tm, qb.Cond{"name": "Tx"}); err != nil {
					return err
				}
				if kill && k.kill(t, "idle in transaction") != 1 {
					t.Error("not one session in a transaction")
				}
				tm.Persist(&Author{Name: "Tx", Email: "tx@x"})
				return tm.Flush(ctx)
			})
		}
		err := run(true)
		if !errors.Is(err, unitorm.ErrTransactionLost) {
			t.Fatalf("err = %v, want ErrTransactionLost", err)
		}
		if !unitorm.IsRetryable(err) {
			t.Errorf("IsRetryable(%v) = false", err)
		}
		if err := run(false); err != nil {
			t.Fatalf("retry: %v", err)
		}
	})
}
