package schematest

import (
	"testing"

	"github.com/unitorm/unitorm/integration/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }
