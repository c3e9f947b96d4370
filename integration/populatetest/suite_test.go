package populatetest

import (
	"testing"

	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/internal/populatesuite"
)

func TestMain(m *testing.M) { harness.Main(m) }

// TestSuite runs internal/populatesuite on every backend the harness serves.
func TestSuite(t *testing.T) { populatesuite.Run(t) }
