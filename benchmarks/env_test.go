package benchmarks

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// The databases the benchmarks run on. Each run works in its own
// PostgreSQL schema and MariaDB database and drops them at the end.
var (
	pgBaseDSN    = envOr("BENCH_PG_DSN", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	mariaBaseDSN = envOr("BENCH_MARIADB_DSN", "root@tcp(127.0.0.1:3306)/test")
)

// Sizes of the Unit of Work benchmarks (MikroORM's method): -uow.sizes
// lists the entity counts, -pop.authors the authors of the populate one.
var (
	uowSizes   = flag.String("uow.sizes", "10000,100000", "entity counts of the Unit of Work benchmarks")
	uowDBs     = flag.String("uow.dbs", "sqlite,postgres,mariadb", "databases of the Unit of Work benchmarks")
	popAuthors = flag.Int("pop.authors", 1000, "authors of the populate benchmark (10 books each, 3 tags per book)")
)

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// runID names this run's schema and database.
var runID = fmt.Sprintf("bench_%d_%d", os.Getpid(), time.Now().Unix()%100000)

// pgDSN is the PostgreSQL DSN with search_path set to this run's schema.
var pgDSN string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	if !databasesWanted() {
		return m.Run()
	}
	cleanup, err := setupPostgres(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchmarks:", err)
		return 1
	}
	defer cleanup()
	code := m.Run()
	if mariaCreated {
		if err := dropMariaDB(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "benchmarks:", err)
		}
	}
	return code
}

// databasesWanted reports whether this run benchmarks or tests anything
// that needs the databases (go test with no -run and no -bench still runs
// TestOpsAgree).
func databasesWanted() bool {
	bench := flag.Lookup("test.bench")
	run := flag.Lookup("test.run")
	return bench != nil && bench.Value.String() != "" || run == nil || run.Value.String() != "^$"
}

// setupPostgres creates this run's schema and returns a function dropping it.
func setupPostgres(ctx context.Context) (func(), error) {
	conn, err := pgx.Connect(ctx, pgBaseDSN)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL (set BENCH_PG_DSN): %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+runID); err != nil {
		return nil, err
	}
	dsn, err := withParam(pgBaseDSN, "search_path", runID)
	if err != nil {
		return nil, err
	}
	pgDSN = dsn
	return func() {
		conn, err := pgx.Connect(ctx, pgBaseDSN)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchmarks: drop schema:", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+runID+" CASCADE"); err != nil {
			fmt.Fprintln(os.Stderr, "benchmarks: drop schema:", err)
		}
	}, nil
}

// withParam adds a query parameter to a URL DSN.
func withParam(dsn, key, value string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("BENCH_PG_DSN must be a URL: %w", err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// pgConn opens one native pgx connection on this run's schema.
func pgConn(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgDSN)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close(ctx) })
	return conn
}

// pgSQLDB opens a database/sql pool over pgx's stdlib driver, limited to
// one connection like every other library here.
func pgSQLDB(tb testing.TB) *sql.DB {
	tb.Helper()
	cfg, err := pgx.ParseConfig(pgDSN)
	if err != nil {
		tb.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	oneConn(db)
	tb.Cleanup(func() { db.Close() })
	return db
}

func oneConn(db *sql.DB) {
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
}

func sizes(tb testing.TB) []int {
	var out []int
	for _, s := range strings.Split(*uowSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			tb.Fatalf("bad -uow.sizes %q", *uowSizes)
		}
		out = append(out, n)
	}
	return out
}

func wantDB(name string) bool {
	for _, s := range strings.Split(*uowDBs, ",") {
		if strings.TrimSpace(s) == name {
			return true
		}
	}
	return false
}
