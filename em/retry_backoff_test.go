package em

import (
	"testing"
	"time"
)

// TestRetryBackoff: each pause lies between half and all of the doubled
// base, never above the ceiling, with defaults for zero values.
func TestRetryBackoff(t *testing.T) {
	for _, o := range []TxOptions{{}, {RetryBackoff: time.Millisecond, RetryMaxBackoff: 50 * time.Millisecond}, {RetryBackoff: time.Second, RetryMaxBackoff: time.Millisecond}} {
		base, ceil := o.RetryBackoff, o.RetryMaxBackoff
		if base <= 0 {
			base = 20 * time.Millisecond
		}
		if ceil <= 0 {
			ceil = time.Second
		}
		for n := range 40 {
			full := min(base<<min(n, 30), ceil)
			for range 20 {
				d := o.backoff(n)
				if d < full/2 || d > full {
					t.Fatalf("%+v retry %d: %s outside [%s, %s]", o, n, d, full/2, full)
				}
			}
		}
	}
}
