package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

// sqlStmt is a qb.Statement of fixed PostgreSQL text.
type sqlStmt struct {
	sql  string
	args []any
}

func (s sqlStmt) ToSQL(dialect.Dialect) (string, []any, error) { return s.sql, s.args, nil }

// pgTestDB opens the PostgreSQL of UNITORM_PG_DSN with a schema of its own
// holding table t(id int primary key, v text), dropped at the end. Without
// a DSN the test is skipped, or fails when UNITORM_REQUIRE asks for
// PostgreSQL.
func pgTestDB(t *testing.T) (*sqldb.DB, string) {
	t.Helper()
	dsn := os.Getenv("UNITORM_PG_DSN")
	if dsn == "" {
		req := os.Getenv("UNITORM_REQUIRE")
		if req == "all" || strings.Contains(req, "postgres") {
			t.Fatal("UNITORM_PG_DSN is not set and UNITORM_REQUIRE asks for postgres")
		}
		t.Skip("UNITORM_PG_DSN is not set: no PostgreSQL to test native transactions on")
	}
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := newDB(pool, true)
	pools.Store(db, pool)
	schema := fmt.Sprintf("sqldb_tx_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema+"; CREATE TABLE "+schema+".t (id int PRIMARY KEY, v text)"); err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		db.Close()
	})
	return db, schema + ".t"
}

// pools maps each test DB to its pgx pool.
var pools sync.Map

func poolOf(db *sqldb.DB) *pgxpool.Pool {
	p, _ := pools.Load(db)
	return p.(*pgxpool.Pool)
}

// waitIdle waits until pgx's pool has no connection checked out.
func waitIdle(t *testing.T, db *sqldb.DB) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); poolOf(db).Stat().AcquiredConns() != 0; {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still checked out", poolOf(db).Stat().AcquiredConns())
		}
		time.Sleep(time.Millisecond)
	}
}

func countRows(t *testing.T, db *sqldb.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPostgresTxRunsNatively(t *testing.T) {
	db, table := pgTestDB(t)
	ctx := context.Background()
	insert := func(id int) qb.Statement {
		return sqlStmt{"INSERT INTO " + table + " (id, v) VALUES ($1, $2)", []any{id, "x"}}
	}
	t.Run("every statement runs on pgx, on one connection and transaction", func(t *testing.T) {
		tx, err := db.Begin(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		var pid1, xid1, pid2, xid2 int64
		first, err := tx.QueryContext(ctx, "SELECT pg_backend_pid(), txid_current()")
		if err != nil {
			t.Fatal(err)
		}
		for first.Next() {
			if err := first.Scan(&pid1, &xid1); err != nil {
				t.Fatal(err)
			}
		}
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}
		if n, err := tx.Exec(ctx, insert(1)); err != nil || n != 1 {
			t.Fatalf("Exec = %d, %v", n, err)
		}
		rows, err := tx.QueryContext(ctx, "SELECT pg_backend_pid(), txid_current(), (SELECT count(*) FROM "+table+")")
		if err != nil {
			t.Fatal(err)
		}
		var inTx int
		for rows.Next() {
			if err := rows.Scan(&pid2, &xid2, &inTx); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if pid1 != pid2 || xid1 != xid2 {
			t.Errorf("backend %d, xid %d, then backend %d, xid %d", pid1, xid1, pid2, xid2)
		}
		if inTx != 1 {
			t.Errorf("%d rows inside the transaction, want the 1 inserted", inTx)
		}
		if n := countRows(t, db, table); n != 0 {
			t.Errorf("%d rows visible outside before the commit", n)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db, table); n != 1 {
			t.Errorf("%d rows after the commit, want 1", n)
		}
		waitIdle(t, db)
		if _, err := tx.Exec(ctx, insert(2)); !errors.Is(err, sql.ErrTxDone) {
			t.Errorf("Exec after Commit: %v, want sql.ErrTxDone", err)
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Errorf("Rollback after Commit: %v, want nil", err)
		}
	})
	t.Run("every statement is reported once, in the transaction", func(t *testing.T) {
		var (
			mu     sync.Mutex
			events []sqldb.QueryEvent
		)
		db.SetObserve(sqldb.Observe{OnQuery: func(ev sqldb.QueryEvent) { mu.Lock(); events = append(events, ev); mu.Unlock() }})
		defer db.SetObserve(sqldb.Observe{})
		before := db.QueryCount()
		tx, err := db.Begin(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, insert(10)); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Count(ctx, qb.Select("id").From(table)); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.QueryMaps(ctx, sqlStmt{"SELECT id FROM " + table, nil}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Savepoint(ctx, "sp"); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, insert(10)); err == nil {
			t.Fatal("a duplicate key inserted")
		} else if ce := (*uow.ConstraintError)(nil); !errors.As(err, &ce) {
			t.Errorf("duplicate key error %v is not classified", err)
		}
		if err := tx.RollbackTo(ctx, "sp"); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		want := []string{"BEGIN", "INSERT", "SELECT COUNT", "SELECT ID", "SAVEPOINT", "INSERT", "ROLLBACK TO", "ROLLBACK"}
		db.SetObserve(sqldb.Observe{}) // countRows below is reported too
		mu.Lock()
		defer mu.Unlock()
		if len(events) != len(want) || db.QueryCount()-before != int64(len(want)) {
			t.Fatalf("%d events, count +%d, want %d: %v", len(events), db.QueryCount()-before, len(want), events)
		}
		for i, ev := range events {
			if !strings.HasPrefix(strings.ToUpper(ev.SQL), want[i]) || !ev.InTx {
				t.Errorf("event %d: %q (in tx %v), want %q in the transaction", i, ev.SQL, ev.InTx, want[i])
			}
		}
		if n := countRows(t, db, table); n != 1 {
			t.Errorf("%d rows after the rollback, want the 1 committed before", n)
		}
	})
	t.Run("read-only and isolation options apply", func(t *testing.T) {
		tx, err := db.Begin(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable, ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		var iso string
		if err := qb.Scan(ctx, tx, qb.Select(qb.Raw("current_setting('transaction_isolation')")), &iso); err != nil {
			t.Fatal(err)
		}
		if iso != "serializable" {
			t.Errorf("isolation %q, want serializable", iso)
		}
		_, err = tx.Exec(ctx, insert(20))
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "25006" {
			t.Errorf("insert in a read-only transaction: %v, want SQLSTATE 25006", err)
		}
	})
	t.Run("a statement started while rows are open fails instead of waiting", func(t *testing.T) {
		tx, err := db.Begin(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		rows, err := tx.QueryContext(ctx, "SELECT id FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, insert(30)); !errors.Is(err, errTxBusy) {
			t.Errorf("Exec with open rows: %v, want errTxBusy", err)
		}
		rows.Close()
		rows.Close() // closing twice releases once
		if _, err := tx.Exec(ctx, insert(30)); err != nil {
			t.Errorf("Exec after closing the rows: %v", err)
		}
	})
	t.Run("ending the context given to Begin rolls back", func(t *testing.T) {
		bctx, cancel := context.WithCancel(ctx)
		tx, err := db.Begin(bctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, insert(40)); err != nil {
			t.Fatal(err)
		}
		cancel()
		waitIdle(t, db)
		_, err = tx.Exec(ctx, insert(41))
		if !errors.Is(err, sql.ErrTxDone) || !errors.Is(err, context.Canceled) {
			t.Errorf("Exec after the cancel: %v, want sql.ErrTxDone and context.Canceled", err)
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Errorf("Rollback after the cancel: %v", err)
		}
		if n := countRows(t, db, table); n != 1 {
			t.Errorf("%d rows, want the 1 committed before", n)
		}
	})
	t.Run("commit after the context given to Begin ended", func(t *testing.T) {
		bctx, cancel := context.WithCancel(ctx)
		tx, err := db.Begin(bctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, insert(50)); err != nil {
			t.Fatal(err)
		}
		cancel()
		if err := tx.Commit(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Commit: %v, want context.Canceled", err)
		}
		waitIdle(t, db)
		if n := countRows(t, db, table); n != 1 {
			t.Errorf("%d rows, want the 1 committed before", n)
		}
	})
	t.Run("cancelling a running statement", func(t *testing.T) {
		bctx, cancel := context.WithCancel(ctx)
		tx, err := db.Begin(bctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err = tx.Exec(bctx, sqlStmt{"SELECT pg_sleep(5)", nil})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Exec: %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("the cancelled statement returned after %v", d)
		}
		if err := tx.Rollback(context.Background()); err != nil {
			t.Errorf("Rollback: %v", err)
		}
		waitIdle(t, db)
		if _, err := db.Executor().Exec(ctx, sqlStmt{"SELECT 1", nil}); err != nil {
			t.Errorf("the pool after the cancel: %v", err)
		}
	})
}
