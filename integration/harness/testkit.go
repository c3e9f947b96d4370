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

func applyTestKnobs() {
	if v := os.Getenv(EnvArrayMinRows); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "harness: %s=%q: want a number ≥ 1\n", EnvArrayMinRows, v)
			os.Exit(2)
		}
		uow.ArrayMinRows.All(n)
	}
}
