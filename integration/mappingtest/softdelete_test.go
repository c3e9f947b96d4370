package mappingtest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm/em"
)

// TestSoftDelete: Remove of an entity with a softDelete property is an
// UPDATE of that one column (read back raw), the default-on filter hides the
// row from queries, populate and FindOne (also in the EntityManager that
// removed it), WithDeleted and DisableFilter show it, Restore brings it back
// with an UPDATE of that one column, and removing a new entity still only
// cancels its insert.
func TestSoftDelete(t *testing.T) {
	forEach(t, model[int64](), model[string](), nil, nil,
		func(t *testing.T, e *env) { checkSoftDelete[int64](t, e) },
		func(t *testing.T, e *env) { checkSoftDelete[string](t, e) })
}

func checkSoftDelete[K Key](t *testing.T, e *env) {
	ctx := context.Background()
	l := seed[K](t, e)
	all := func(m *em.EntityManager, opts ...em.FindOption) []string {
		t.Helper()
		ps, err := em.Find[Post[K]](ctx, m, nil, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return titles(ps)
	}

	m := e.fork()
	p, err := em.FindOneOrFail[Post[K]](ctx, m, l.p2.ID)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Minute)
	if err := m.Remove(p); err != nil {
		t.Fatal(err)
	}
	if p.DeletedAt == nil || p.DeletedAt.Before(before) {
		t.Fatalf("Remove left DeletedAt = %v", p.DeletedAt)
	}
	mark := e.rec.mark()
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.updates(mark); len(got) != 1 || !slices.Equal(got[0], []string{"deleted_at"}) {
		t.Errorf("soft delete wrote %v, want one UPDATE of deleted_at", got)
	}
	for _, s := range e.rec.since(mark) {
		if strings.HasPrefix(s.sql, "DELETE") || s.cmd == "delete" {
			t.Errorf("soft delete ran a delete: %+v", s)
		}
	}
	if raw := e.rawRow(t, "m_post", rawID(l.p2.ID)); raw["deleted_at"] == nil || raw["title"] == nil {
		t.Errorf("raw row after soft delete = %v, want deleted_at set and the row kept", raw)
	}
	if got, err := em.FindOne[Post[K]](ctx, m, l.p2.ID); err != nil || got != nil {
		t.Errorf("FindOne of the soft-deleted entity in the same EntityManager = %v, %v; want nil", got, err)
	}
	if !m.Contains(p) {
		t.Errorf("the soft-deleted instance left the identity map")
	}

	fresh := e.fork()
	if got := all(fresh); !slices.Equal(got, []string{"p1", "p3"}) {
		t.Errorf("after soft delete Find = %v", got)
	}
	if n, err := em.Count[Post[K]](ctx, fresh, nil); err != nil || n != 2 {
		t.Errorf("Count = %d, %v; want 2", n, err)
	}
	if n, err := em.Count[Post[K]](ctx, fresh, nil, em.WithDeleted()); err != nil || n != 3 {
		t.Errorf("Count with WithDeleted = %d, %v; want 3", n, err)
	}
	if got, err := em.FindOne[Post[K]](ctx, fresh, l.p2.ID); err != nil || got != nil {
		t.Errorf("FindOne of a soft-deleted row = %v, %v; want nil", got, err)
	}
	if got := all(fresh, em.WithDeleted()); !slices.Equal(got, []string{"p1", "p2", "p3"}) {
		t.Errorf("WithDeleted = %v", got)
	}
	shown := e.fork()
	if err := shown.DisableFilter(em.SoftDeleteFilter); err != nil {
		t.Fatal(err)
	}
	if got := all(shown); len(got) != 3 {
		t.Errorf("with the filter disabled Find = %v", got)
	}

	// Reload through the ORM: the stored time comes back.
	rm := e.fork()
	back, err := em.FindOneOrFail[Post[K]](ctx, rm, l.p2.ID, em.WithDeleted())
	if err != nil {
		t.Fatal(err)
	}
	if back.DeletedAt == nil || back.DeletedAt.Sub(*p.DeletedAt).Abs() > time.Second {
		t.Errorf("reloaded DeletedAt = %v, want about %v", back.DeletedAt, p.DeletedAt)
	}
	if err := rm.Restore(back); err != nil {
		t.Fatal(err)
	}
	mark = e.rec.mark()
	if err := rm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.updates(mark); len(got) != 1 || !slices.Equal(got[0], []string{"deleted_at"}) {
		t.Errorf("restore wrote %v, want one UPDATE of deleted_at", got)
	}
	if raw := e.rawRow(t, "m_post", rawID(l.p2.ID)); raw["deleted_at"] != nil {
		t.Errorf("raw deleted_at after restore = %v", raw["deleted_at"])
	}
	if got := all(e.fork()); len(got) != 3 {
		t.Errorf("after restore Find = %v", got)
	}

	// Populate hides soft-deleted items; WithDeleted shows them there too.
	cm := e.fork()
	c2, err := em.FindOneOrFail[Comment[K]](ctx, cm, l.c2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := cm.Remove(c2); err != nil {
		t.Fatal(err)
	}
	if err := cm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, opts := range [][]em.FindOption{nil, {em.WithDeleted()}} {
		pm := e.fork()
		post, err := em.FindOneOrFail[Post[K]](ctx, pm, l.p1.ID, append(opts, em.Populate("comments"))...)
		if err != nil {
			t.Fatal(err)
		}
		items, err := post.Comments.Items()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"c1"}
		if len(opts) > 0 {
			want = []string{"c1", "c2"}
		}
		if got := bodies(items); !slices.Equal(got, want) {
			t.Errorf("populated comments (%d options) = %v, want %v", len(opts), got, want)
		}
	}

	// A soft-deleted item leaves the loaded collections that held it at the
	// flush, as a fresh EntityManager would not load it there.
	lm := e.fork()
	post, err := em.FindOneOrFail[Post[K]](ctx, lm, l.p1.ID, em.Populate("comments"))
	if err != nil {
		t.Fatal(err)
	}
	items, err := post.Comments.Items()
	if err != nil || len(items) != 1 {
		t.Fatalf("populated comments = %v, %v; want c1", bodies(items), err)
	}
	if err := lm.Remove(items[0]); err != nil {
		t.Fatal(err)
	}
	if err := lm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := post.Comments.Len(); err != nil || n != 0 {
		t.Errorf("after the soft delete of c1 the loaded collection holds %d (%v); want 0", n, err)
	}
	if items[0].Post != post {
		t.Errorf("the soft-deleted comment lost its post pointer")
	}
	if dirty := lm.IsDirty(post) || lm.IsDirty(items[0]); dirty {
		t.Errorf("leaving the collection left changes to flush")
	}

	// A new entity removed before its flush is just forgotten.
	nm := e.fork()
	n := &Post[K]{Title: "new"}
	if err := nm.Persist(n); err != nil {
		t.Fatal(err)
	}
	if err := nm.Remove(n); err != nil {
		t.Fatal(err)
	}
	mark = e.rec.mark()
	if err := nm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.rec.since(mark); len(got) != 0 {
		t.Errorf("flush after removing a new entity ran %v", got)
	}
	// An unloaded reference cannot be soft-deleted: the error names it.
	ref, err := em.Reference[Post[K]](e.fork(), l.p3.ID)
	if err != nil {
		t.Fatal(err)
	}
	var pe *em.PropertyError
	if err := e.fork().Remove(ref); err == nil {
		t.Errorf("Remove of a reference from another EntityManager succeeded")
	}
	rf := e.fork()
	ref, _ = em.Reference[Post[K]](rf, l.p3.ID)
	if err := rf.Remove(ref); !errors.As(err, &pe) || pe.Property != "deletedAt" {
		t.Errorf("Remove of an unloaded reference: %v, want a *PropertyError on deletedAt", err)
	}
	// ToJSON writes the property like any other.
	js, err := rm.ToJSON(back)
	if err != nil || !strings.Contains(string(js), `"deletedAt":null`) {
		t.Errorf("ToJSON = %s, %v", js, err)
	}
}
