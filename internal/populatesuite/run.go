package populatesuite

import "testing"

// Run runs every test of the suite as a subtest of t, on the backends the
// testkit's provider serves.
func Run(t *testing.T) {
	for _, tt := range Tests {
		t.Run(tt.Name, tt.F)
	}
}
