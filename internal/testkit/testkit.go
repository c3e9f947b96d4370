// Package testkit is what the shared test suites (internal/emsuite,
// internal/populatesuite) need from a test harness: the backends to run on
// and a fresh, empty database namespace per test.
//
// By itself it serves SQLite only, from a file in the test's temporary
// directory, which is how the root module's `go test ./...` runs the SQLite
// half of the suites with no dependency beyond the root module's own. The
// integration module's harness installs itself with Use and serves every
// backend (servers from the environment, Docker containers, embedded ones).
package testkit

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Backend names a database unitorm runs on. For the SQL backends it is also
// the driver name given to driver.Open.
type Backend string

// The backends.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
	MySQL    Backend = "mysql"
	MariaDB  Backend = "mariadb"
	Mongo    Backend = "mongo"
)

// Driver is the driver name for driver.Open ("" for Mongo).
func (b Backend) Driver() string {
	if b == Mongo {
		return ""
	}
	return string(b)
}

// Target is a fresh, empty namespace on one SQL backend, created for one test.
type Target struct {
	Backend Backend
	// Driver is the driver name for driver.Open.
	Driver string
	// DSN reaches the namespace: its tables are the only ones visible
	// through it without qualification.
	DSN string
}

// Provider supplies the databases.
type Provider interface {
	// SQLBackends lists the SQL backends the suites run on.
	SQLBackends() []Backend
	// NewTarget creates a fresh namespace on b for tb, dropped when tb
	// ends; it skips tb when b has no server, or fails it when b is
	// required.
	NewTarget(tb testing.TB, b Backend) Target
	// Required reports whether a test needing b must fail, not skip, when
	// b is not available.
	Required(b Backend) bool
}

var (
	mu       sync.Mutex
	provider Provider = sqliteOnly{}
)

// Use installs p as the provider for the rest of the test binary.
func Use(p Provider) {
	mu.Lock()
	provider = p
	mu.Unlock()
}

func current() Provider {
	mu.Lock()
	defer mu.Unlock()
	return provider
}

// SQLBackends returns the SQL backends the suites run on.
func SQLBackends() []Backend { return current().SQLBackends() }

// NewTarget creates a fresh namespace on b for tb (see Provider).
func NewTarget(tb testing.TB, b Backend) Target {
	tb.Helper()
	return current().NewTarget(tb, b)
}

// DSN creates a fresh namespace on b for tb and returns the DSN reaching it.
func DSN(tb testing.TB, b Backend) string {
	tb.Helper()
	return NewTarget(tb, b).DSN
}

// Required reports whether b must be available (see Provider).
func Required(b Backend) bool { return current().Required(b) }

// sqliteOnly is the provider of the root module: SQLite files in the test's
// temporary directory. Servers are the integration module's to provide.
type sqliteOnly struct{}

func (sqliteOnly) SQLBackends() []Backend { return []Backend{SQLite} }

func (sqliteOnly) Required(Backend) bool { return false }

func (sqliteOnly) NewTarget(tb testing.TB, b Backend) Target {
	tb.Helper()
	if b != SQLite {
		tb.Skipf("testkit: %s needs a server: this test runs on it in the integration module (go test ./integration/...)", b)
	}
	path := filepath.Join(tb.TempDir(), "test.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		tb.Fatalf("testkit: sqlite: %v", err)
	}
	return Target{Backend: SQLite, Driver: SQLite.Driver(), DSN: SQLiteDSN(path)}
}

// SQLiteDSN is the modernc.org/sqlite DSN of a database file.
func SQLiteDSN(path string) string {
	// A path is part of a URI here: escape what would end it (# and ?).
	return "file:" + strings.NewReplacer("%", "%25", "#", "%23", "?", "%3F").Replace(path)
}
