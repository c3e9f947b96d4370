package em

import "testing"

// BenchmarkGuard is the cost the concurrent-use guard adds to every public
// call: one CompareAndSwap on entry and one Store on exit.
func BenchmarkGuard(b *testing.B) {
	m := &EntityManager{}
	for b.Loop() {
		entered, err := m.enter()
		if err != nil {
			b.Fatal(err)
		}
		m.leave(entered)
	}
}
