package harness

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/unitorm/unitorm/internal/uow"

	"github.com/unitorm/unitorm/internal/testkit"
)

// suiteProvider serves the shared suites (internal/emsuite,
// internal/populatesuite) every SQL backend, as NewTarget does. Main installs
// it.
type suiteProvider struct{}

func (suiteProvider) SQLBackends() []testkit.Backend {
	var bs []testkit.Backend
	for _, b := range SQLBackends() {
		bs = append(bs, testkit.Backend(b))
	}
	return bs
}

func (suiteProvider) NewTarget(tb testing.TB, b testkit.Backend) testkit.Target {
	tb.Helper()
	tg := NewTarget(tb, Backend(b))
	return testkit.Target{Backend: b, Driver: tg.Driver, DSN: tg.DSN}
}

func (suiteProvider) Required(b testkit.Backend) bool {
	cfg, err := config()
	return err != nil || cfg.Require[Backend(b)]
}

// EnvArrayMinRows (a number) overrides the fewest rows the Unit of Work
// writes with PostgreSQL's array forms (uow.ArrayMinRows, every kind of
// step), read once by
// Main: 1 runs every suite's flushes through them.
const EnvArrayMinRows = "UNITORM_TEST_ARRAY_MIN_ROWS"

// EnvJSONMinRows (a number) overrides the fewest rows the Unit of Work
// writes with MySQL's and MariaDB's JSON_TABLE forms and SQLite's
// json_each deletes (uow.JSONMinRows and uow.JSONEachMinRows, every kind
// of step): 1 runs every update and delete through them.
const EnvJSONMinRows = "UNITORM_TEST_JSON_MIN_ROWS"

// EnvPreparedChunkRows (a number) overrides the rows of the insert chunks
// that share one prepared statement on SQLite, MySQL and MariaDB
// (uow.PreparedChunkRows): 2 makes every insert of 4 rows or more run in
// prepared chunks of 2 and a remainder.
const EnvPreparedChunkRows = "UNITORM_TEST_PREPARED_CHUNK_ROWS"

func applyTestKnobs() {
	if n, ok := knob(EnvArrayMinRows); ok {
		uow.ArrayMinRows.All(n)
	}
	if n, ok := knob(EnvJSONMinRows); ok {
		uow.JSONMinRows.All(n)
		uow.JSONEachMinRows.All(n)
	}
	if n, ok := knob(EnvPreparedChunkRows); ok {
		uow.PreparedChunkRows = n
	}
}

// knob reads a test knob's number (≥ 1), exiting on anything else.
func knob(name string) (int, bool) {
	v := os.Getenv(name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		fmt.Fprintf(os.Stderr, "harness: %s=%q: want a number ≥ 1\n", name, v)
		os.Exit(2)
	}
	return n, true
}
