package em

import "fmt"

// The concurrent-use guard. An EntityManager serves one goroutine at a
// time; a second goroutine calling it while a call runs is refused with
// ErrConcurrentUse before it touches anything, instead of corrupting the
// identity map (or crashing the program with "concurrent map writes").
//
// Each public method that reads or changes the identity map, the unit of
// work or the transaction takes the guard on entry with one
// CompareAndSwap and gives it back on exit with one Store; internal code
// calls unguarded variants, so a public method built on others takes it
// once. No lock is held: a refused call fails at once, it never waits.
//
// Calls from code the EntityManager itself runs — entity hooks and flush
// subscribers, on the goroutine of the call that runs them — are let in
// while that code runs: a hook may find, persist or read through its
// EntityManager (a Flush from a hook is still refused, with
// ErrFlushInProgress). Go does not tell goroutines apart, so during a hook
// a call from another goroutine is let in too: the guard catches sharing
// whenever no hook runs, which is nearly always. While Transactional runs
// fn, the EntityManager it was called on is busy: fn works through the
// fork it receives.

// Guard states.
const (
	stateIdle     int32 = iota
	stateBusy           // a call runs
	stateCallout        // a call runs user code (hooks, subscribers): calls are let in
	stateInTxFunc       // Transactional runs fn: use the fork fn receives
)

// errBusyInTx is ErrConcurrentUse while Transactional runs fn.
var errBusyInTx = fmt.Errorf("%w (it is running Transactional: inside fn, use the EntityManager fn receives)", ErrConcurrentUse)

// enter takes the guard for a public call; leave(entered) gives it back.
// entered is false for a call let in while a hook runs (it leaves the
// guard to the call that runs the hook).
func (m *EntityManager) enter() (entered bool, err error) {
	if m.state.CompareAndSwap(stateIdle, stateBusy) {
		return true, nil
	}
	switch m.state.Load() {
	case stateCallout:
		return false, nil
	case stateInTxFunc:
		return false, errBusyInTx
	}
	return false, ErrConcurrentUse
}

// leave gives the guard back when enter took it.
func (m *EntityManager) leave(entered bool) {
	if entered {
		m.state.Store(stateIdle)
	}
}

// guarded checks that work is allowed on m (not the global EntityManager)
// and takes the guard: the entry of every public call.
func (m *EntityManager) guarded() (entered bool, err error) {
	if err := m.check(); err != nil {
		return false, err
	}
	return m.enter()
}

// callout runs user code (a hook, a subscriber) from inside a call on m:
// calls it makes on m are let in until it returns.
func (m *EntityManager) callout(fn func() error) error {
	prev := m.state.Swap(stateCallout)
	defer m.state.Store(prev)
	return fn()
}
