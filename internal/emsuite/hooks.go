package emsuite

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
)

// TestHooks: what a Before hook sets is written by the same flush; a hook's
// error aborts the flush with nothing written; a flush from inside a hook
// is refused with ErrFlushInProgress.
func TestHooks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		g := &Gadget{Name: "Big Red Button"}
		if err := persistFlush(ctx, m, g); err != nil {
			t.Fatal(err)
		}
		got, err := em.FindOneOrFail[Gadget](ctx, e.fork(), g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Slug != "big-red-button" {
			t.Errorf("slug set by BeforeCreate read back as %q", got.Slug)
		}
		g.Name = "Small Red Button"
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		equalStrings(t, "update with BeforeUpdate", shapes(e.rec.since(mark)), []string{"UPDATE gadget SET name,updates"})
		if got, _ := em.FindOneOrFail[Gadget](ctx, e.fork(), g.ID); got == nil || got.Updates != 1 {
			t.Errorf("Updates set by BeforeUpdate read back as %+v", got)
		}
		if err := m.Flush(ctx); err != nil || g.Updates != 1 {
			t.Errorf("flush without changes ran BeforeUpdate (updates %d, %v)", g.Updates, err)
		}

		t.Run("a hook error aborts the flush", func(t *testing.T) {
			m := e.fork()
			bad := &Gadget{Name: "bad", before: func(context.Context) error { return errBoom }}
			note := &Note{Text: "with the bad gadget"}
			mark := e.rec.mark()
			err := persistFlush(ctx, m, note, bad)
			if !errors.Is(err, errBoom) {
				t.Fatalf("flush error %v, want the hook's", err)
			}
			if got := e.rec.since(mark); len(got) != 0 {
				t.Errorf("a flush aborted by a hook ran %q", got)
			}
			if stateOf(m, note) != uow.StateNew || note.ID != 0 {
				t.Errorf("note after the aborted flush: id %d, %v", note.ID, stateOf(m, note))
			}
		})

		t.Run("flush from a hook is refused", func(t *testing.T) {
			m := e.fork()
			r := &Rogue{Name: "rogue"}
			err := persistFlush(em.WithContext(ctx, m), m, r)
			if !errors.Is(err, unitorm.ErrFlushInProgress) {
				t.Fatalf("flush from a hook: %v, want ErrFlushInProgress", err)
			}
			if n := e.count(t, "rogue"); n != 0 {
				t.Errorf("%d rogues written", n)
			}
			// The refusal is about the running flush only: later flushes work.
			m.Detach(r)
			if err := persistFlush(ctx, m, &Note{Text: "after the rogue"}); err != nil {
				t.Errorf("flush after the refused one: %v", err)
			}
		})
	})
}

// flushSpy records the change sets its OnFlush sees, and the flushes before
// and after.
type flushSpy struct {
	mu     sync.Mutex
	events []string
	onSeen func(ev *em.FlushEvent)
}

func (s *flushSpy) add(what string) {
	s.mu.Lock()
	s.events = append(s.events, what)
	s.mu.Unlock()
}

func (s *flushSpy) BeforeFlush(_ context.Context, ev *em.FlushEvent) error {
	s.add("before")
	return nil
}

func (s *flushSpy) OnFlush(_ context.Context, ev *em.FlushEvent) error {
	for _, c := range ev.Changes.All() {
		s.add(c.Kind.String() + " " + c.Entry.Entity.Name)
	}
	if s.onSeen != nil {
		s.onSeen(ev)
	}
	return nil
}

func (s *flushSpy) AfterFlush(_ context.Context, ev *em.FlushEvent) error {
	s.add("after")
	return nil
}

// TestFlushSubscribers: BeforeFlush, OnFlush with the change sets, and
// AfterFlush run in order; a change OnFlush makes is written by the same
// flush.
func TestFlushSubscribers(t *testing.T) {
	spy := &flushSpy{}
	forEachBackendWith(t, func(c *unitorm.Config) { c.Subscribers = []any{spy} }, func(t *testing.T, e *env) {
		ctx := context.Background()
		spy.events = nil
		ids := seedAuthors(t, e, "ann", "bob")
		m := e.fork()
		a, err := em.FindOneOrFail[Author](ctx, m, ids["ann"])
		if err != nil {
			t.Fatal(err)
		}
		b, err := em.FindOneOrFail[Author](ctx, m, ids["bob"])
		if err != nil {
			t.Fatal(err)
		}
		spy.events = nil
		a.Age = 1
		if err := m.Remove(b); err != nil {
			t.Fatal(err)
		}
		n := &Note{Text: "new"}
		spy.onSeen = func(ev *em.FlushEvent) {
			for _, c := range ev.Changes.Inserts {
				if x, ok := c.Entity().(*Note); ok {
					x.Text = "set by OnFlush"
				}
			}
		}
		if err := persistFlush(ctx, m, n); err != nil {
			t.Fatal(err)
		}
		spy.onSeen = nil
		want := []string{"before", "insert Note", "update Author", "delete Author", "after"}
		equalStrings(t, "subscriber events", spy.events, want)
		equalStrings(t, "notes", noteTexts(t, e), []string{"set by OnFlush"})
	})
}
