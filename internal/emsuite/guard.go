package emsuite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// TestOneForkSharedByGoroutines: one fork misused by 20 goroutines at once,
// each persisting, flushing and finding its own notes, round after round.
// Calls that overlap another goroutine's are refused with ErrConcurrentUse
// (never a runtime crash, a race or "flush called during a flush"); the
// calls let in work, and what was persisted is written exactly once. The
// goroutines touch no entity after handing it to the EntityManager, so
// under -race the only shared state is the EntityManager's, which the guard
// must keep race-free.
func TestOneForkSharedByGoroutines(t *testing.T) {
	const (
		workers = 20
		rounds  = 15
	)
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		var (
			wg        sync.WaitGroup
			refused   atomic.Int64
			persisted atomic.Int64
			mu        sync.Mutex
			unwanted  []error
			winners   = map[int]bool{}
			start     = make(chan struct{})
		)
		check := func(w int, what string, err error) bool {
			switch {
			case err == nil:
				mu.Lock()
				winners[w] = true
				mu.Unlock()
				return true
			case errors.Is(err, unitorm.ErrConcurrentUse):
				refused.Add(1)
				// Back off a little, so that the calls of all goroutines
				// interleave instead of the first one taking every turn.
				time.Sleep(time.Duration(w%5+1) * 100 * time.Microsecond)
			default:
				mu.Lock()
				unwanted = append(unwanted, fmt.Errorf("%s: %w", what, err))
				mu.Unlock()
			}
			return false
		}
		// The first statement holds its call open until other goroutines
		// were refused: an overlap happens on every run, however the
		// scheduler deals the turns (no timing assumption).
		var held atomic.Bool
		e.rec.setHook(func(unitorm.QueryEvent) {
			if !held.CompareAndSwap(false, true) {
				return
			}
			deadline := time.Now().Add(10 * time.Second)
			for refused.Load() < workers && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
		})
		defer e.rec.setHook(nil)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for r := range rounds {
					text := fmt.Sprintf("w%d r%d", w, r)
					n := &Note{Text: text}
					if check(w, "Persist", m.Persist(n)) {
						persisted.Add(1)
					}
					check(w, "Flush", m.Flush(ctx))
					found, err := em.FindOne[Note](ctx, m, qb.Cond{"text": text})
					if check(w, "FindOne", err) && found != nil && found != n {
						check(w, "FindOne", fmt.Errorf("found another instance than the one persisted for %q", text))
					}
					_, err = em.Count[Note](ctx, m, nil)
					check(w, "Count", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range unwanted {
			t.Error(err)
		}
		if refused.Load() == 0 {
			t.Errorf("no call was refused among %d goroutines × %d rounds: the guard saw no overlap", workers, rounds)
		}
		// Alone again: the fork works, and every note persisted is written once.
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("flush after the goroutines: %v", err)
		}
		if n := e.count(t, "note"); n != persisted.Load() {
			t.Errorf("%d notes written, %d persisted", n, persisted.Load())
		}
		t.Logf("%d calls refused, %d notes persisted by %d goroutines", refused.Load(), persisted.Load(), len(winners))
	})
}
