package emtest

import (
	"testing"

	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/internal/emsuite"
)

func TestMain(m *testing.M) { harness.Main(m) }

// TestSuite runs internal/emsuite on every backend the harness serves.
func TestSuite(t *testing.T) { emsuite.Run(t) }
