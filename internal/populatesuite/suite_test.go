package populatesuite

import (
	"testing"

	"github.com/unitorm/unitorm/internal/testkit"
)

// TestSuite runs the suite on what the testkit serves by itself: SQLite.
// The integration module runs it on every backend.
func TestSuite(t *testing.T) { Run(t) }

func TestListed(t *testing.T) { testkit.CheckListed(t, ".", Tests) }
