package harness

import (
	"testing"

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
