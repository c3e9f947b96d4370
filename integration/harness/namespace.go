package harness

import (
	"github.com/unitorm/unitorm/internal/testkit"

	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/sqldb"
)

// cleanupTimeout bounds dropping one namespace when a test ends.
const cleanupTimeout = 30 * time.Second

// Target is a fresh, empty namespace on one SQL backend, created for one test.
type Target struct {
	Backend Backend
	Source  Source
	// Driver is the driver name for sqldb.Open.
	Driver string
	// DSN reaches the namespace: its tables are the only ones visible
	// through it without qualification.
	DSN string
	// Namespace is the schema (PostgreSQL), database (MySQL, MariaDB) or
	// file path (SQLite) that was created.
	Namespace string
}

// NewTarget creates a fresh namespace on backend b for tb and drops it when
// tb ends. Close any connection opened on it before then (a t.Cleanup
// registered after NewTarget runs first). tb is skipped when b has no server,
// and fails when b is required or its server cannot be reached.
func NewTarget(tb testing.TB, b Backend) Target {
	tb.Helper()
	if !b.IsSQL() {
		tb.Fatalf("harness: %q is not a SQL backend (use Mongo for mongo)", b)
	}
	s := acquire(tb, b)
	name, err := newName()
	if err != nil {
		tb.Fatalf("%v", err)
	}
	tg := Target{Backend: b, Source: s.choice.Source, Driver: b.Driver()}
	switch b {
	case SQLite:
		// An empty file is an empty SQLite database; it goes with the directory.
		tg.Namespace = filepath.Join(tb.TempDir(), name+".db")
		if err := os.WriteFile(tg.Namespace, nil, 0o600); err != nil {
			tb.Fatalf("harness: sqlite: %v", err)
		}
		tg.DSN = testkit.SQLiteDSN(tg.Namespace)
		return tg
	case Postgres:
		tg.Namespace = name
		tg.DSN, err = postgresDSN(s.dsn, name)
	case MySQL, MariaDB:
		tg.Namespace = name
		tg.DSN, err = mysqlDSN(s.dsn, name)
	}
	if err != nil {
		tb.Fatalf("harness: %s: %v", b, err)
	}
	admin, err := s.sqlAdmin(b)
	if err != nil {
		tb.Fatalf("harness: %s (%s): %v", b, s.choice.Source, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if _, err := admin.ExecContext(ctx, createNamespace(b, name)); err != nil {
		tb.Fatalf("harness: %s: create %s: %v", b, name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if _, err := admin.ExecContext(ctx, dropNamespace(b, name)); err != nil {
			tb.Errorf("harness: %s: drop %s: %v", b, name, err)
		}
	})
	return tg
}

// DSN creates a fresh namespace on backend b for tb, as NewTarget does, and
// returns the DSN that reaches it. Each call makes a new namespace.
func DSN(tb testing.TB, b Backend) string {
	tb.Helper()
	return NewTarget(tb, b).DSN
}

// DB creates a fresh namespace on backend b for tb, as NewTarget does, and
// returns an open connection pool on it, closed (before the namespace is
// dropped) when tb ends. Each call makes a new namespace.
func DB(tb testing.TB, b Backend) *sqldb.DB {
	tb.Helper()
	tg := NewTarget(tb, b)
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	db, err := driver.OpenDB(ctx, tg.Driver, tg.DSN)
	if err != nil {
		tb.Fatalf("harness: open %s namespace %s: %v", b, tg.Namespace, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("harness: close %s: %v", b, err)
		}
	})
	return db
}

// ForEachSQL runs fn as a subtest named after each SQL backend (sqlite,
// postgres, mysql, mariadb), each with its own fresh namespace. A backend
// without a server skips its subtest (or fails it when required). fn may
// call t.Parallel: the namespaces share nothing.
func ForEachSQL(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	for _, b := range sqlBackends {
		t.Run(string(b), func(t *testing.T) {
			fn(t, DB(t, b))
		})
	}
}

// sqlAdmin returns the connection that creates and drops namespaces on s.
func (s *server) sqlAdmin(b Backend) (*sqldb.DB, error) {
	s.adminOnce.Do(func() {
		var dsn string
		if dsn, s.adminErr = adminDSN(b, s.dsn); s.adminErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		s.admin, s.adminErr = driver.OpenDB(ctx, b.Driver(), dsn) // Open pings
	})
	return s.admin, s.adminErr
}

// newName returns a random namespace name: ut_ and 16 hex digits, valid
// unquoted on every database.
func newName() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("harness: random name: %w", err)
	}
	return "ut_" + hex.EncodeToString(b[:]), nil
}

func createNamespace(b Backend, name string) string {
	if b == Postgres {
		return `CREATE SCHEMA "` + name + `"`
	}
	return "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4"
}

func dropNamespace(b Backend, name string) string {
	if b == Postgres {
		return `DROP SCHEMA IF EXISTS "` + name + `" CASCADE`
	}
	return "DROP DATABASE IF EXISTS `" + name + "`"
}

// namespaceExists reports whether the namespace of tg still exists.
func namespaceExists(ctx context.Context, tg Target) (bool, error) {
	if tg.Backend == SQLite {
		_, err := os.Stat(tg.Namespace)
		if os.IsNotExist(err) {
			return false, nil
		}
		return err == nil, err
	}
	s, err := lookup(tg.Backend)
	if err != nil {
		return false, err
	}
	admin, err := s.sqlAdmin(tg.Backend)
	if err != nil {
		return false, err
	}
	q := "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?"
	if tg.Backend == Postgres {
		q = strings.Replace(q, "?", "$1", 1)
	}
	var n int
	if err := admin.QueryRowContext(ctx, q, tg.Namespace).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// postgresDSN returns base with search_path set to schema (pgx sends unknown
// DSN parameters as run-time parameters). base may be a URL or a
// keyword/value DSN.
func postgresDSN(base, schema string) (string, error) {
	return pgParam(base, "search_path", schema)
}

// pgParam returns the PostgreSQL DSN base with parameter key set to val.
func pgParam(base, key, val string) (string, error) {
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		u, err := url.Parse(base)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", EnvPostgresDSN, err)
		}
		q := u.Query()
		q.Set(key, val)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	if strings.Contains(base, key+"=") {
		return "", fmt.Errorf("keyword/value DSN already sets %s; give a URL instead", key)
	}
	return strings.TrimSpace(base + " " + key + "=" + val), nil
}

// mysqlDSN returns base with its database set to db ("" for none).
func mysqlDSN(base, db string) (string, error) {
	return mysqlDSNParams(base, db, nil)
}

// mysqlDSNParams is mysqlDSN that also sets session variables, which
// go-sql-driver/mysql sends with SET when it connects.
func mysqlDSNParams(base, db string, params map[string]string) (string, error) {
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		return "", fmt.Errorf("parse DSN: %w", err)
	}
	cfg.DBName = db
	for k, v := range params {
		if cfg.Params == nil {
			cfg.Params = map[string]string{}
		}
		cfg.Params[k] = v
	}
	return cfg.FormatDSN(), nil
}

// adminDSN is the DSN of the connection that creates and drops namespaces:
// the server's DSN without a default database (MySQL, MariaDB) and with a
// lock timeout, so that a test leaving a transaction open makes its drop fail
// with an error instead of waiting for ever.
func adminDSN(b Backend, base string) (string, error) {
	secs := strconv.Itoa(int(cleanupTimeout / time.Second))
	switch b {
	case Postgres:
		return pgParam(base, "lock_timeout", secs+"s")
	case MySQL, MariaDB:
		return mysqlDSNParams(base, "", map[string]string{"lock_wait_timeout": secs})
	}
	return base, nil
}
