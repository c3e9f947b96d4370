package uow

import (
	"testing"
	"unsafe"
)

// TestEntrySize keeps the per-entity cost of the Identity Map in view: an
// entry is 48 bytes (issue 12's memory target counts it for every loaded
// entity). Grow it only with a measurement of BenchmarkMemoryPerEntity.
func TestEntrySize(t *testing.T) {
	if got := unsafe.Sizeof(Entry{}); got != 48 {
		t.Fatalf("Entry is %d bytes, want 48", got)
	}
}
