package mappingtest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// library seeds p1 (tenant 1, 5 likes; comments c1 with 1 like, c2 with 9),
// p2 (tenant 1, no likes) and p3 (tenant 2, 7 likes).
type library[K Key] struct {
	p1, p2, p3 *Post[K]
	c1, c2     *Comment[K]
}

func seed[K Key](t *testing.T, e *env) library[K] {
	t.Helper()
	m := e.fork()
	var l library[K]
	l.p1 = &Post[K]{Title: "p1", Tenant: 1, Likes: 5}
	l.p2 = &Post[K]{Title: "p2", Tenant: 1}
	l.p3 = &Post[K]{Title: "p3", Tenant: 2, Likes: 7}
	l.c1 = &Comment[K]{Body: "c1", Likes: 1, Post: l.p1}
	l.c2 = &Comment[K]{Body: "c2", Likes: 9, Post: l.p1}
	if err := m.Persist(l.p1, l.p2, l.p3, l.c1, l.c2); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return l
}

func titles[K Key](ps []*Post[K]) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Title)
	}
	slices.Sort(out)
	return out
}

func bodies[K Key](cs []*Comment[K]) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Body)
	}
	slices.Sort(out)
	return out
}

// TestFilters: declared filters are off or on by default, switched and
// given arguments per EntityManager (inherited by forks) and per call, and
// applied to Find, Count, FindOne, populate (both strategies) and native
// updates and deletes; a bad filter or argument fails before anything runs.
func TestFilters(t *testing.T) {
	forEach(t, model[int64](), model[string](), withFilters[int64](), withFilters[string](),
		func(t *testing.T, e *env) { checkFilters[int64](t, e) },
		func(t *testing.T, e *env) { checkFilters[string](t, e) })
}

func checkFilters[K Key](t *testing.T, e *env) {
	ctx := context.Background()
	l := seed[K](t, e)
	find := func(m *em.EntityManager, opts ...em.FindOption) []string {
		t.Helper()
		ps, err := em.Find[Post[K]](ctx, m, nil, append(opts, em.OrderBy("title", qb.Asc))...)
		if err != nil {
			t.Fatal(err)
		}
		return titles(ps)
	}
	want := func(got []string, w ...string) {
		t.Helper()
		if !slices.Equal(got, w) {
			t.Errorf("got %v, want %v", got, w)
		}
	}

	m := e.fork()
	want(find(m), "p1", "p2", "p3") // tenant and liked are off by default
	if err := m.EnableFilter("tenant", map[string]any{"id": 1}); err != nil {
		t.Fatal(err)
	}
	want(find(m), "p1", "p2")
	if n, err := em.Count[Post[K]](ctx, m, nil); err != nil || n != 2 {
		t.Errorf("Count under tenant 1 = %d, %v; want 2", n, err)
	}
	want(find(m, em.WithFilter("tenant", map[string]any{"id": 2})), "p3") // the call's argument wins
	want(find(m, em.WithoutFilter("tenant")), "p1", "p2", "p3")
	want(find(m, em.WithoutFilters()), "p1", "p2", "p3")
	want(find(m.Fork()), "p1", "p2") // a fork inherits the settings
	want(find(m, em.WithFilter("liked", nil)), "p1")
	want(find(m, em.WithFilter("liked", map[string]any{"min": 6}), em.WithoutFilter("tenant")), "p3")
	if err := m.DisableFilter("tenant"); err != nil {
		t.Fatal(err)
	}
	want(find(m), "p1", "p2", "p3")
	qs, err := em.QB[Post[K]](m).Filter("tenant", map[string]any{"id": 2}).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want(titles(qs), "p3")

	// Errors name the filter and run nothing.
	mark := e.rec.mark()
	_, err = em.Find[Post[K]](ctx, m, nil, em.WithFilter("tenant", nil))
	var fe *em.FilterError
	if !errors.As(err, &fe) || fe.Filter != "tenant" || fe.Entity == "" {
		t.Errorf("tenant without its argument: %v, want a *em.FilterError", err)
	}
	if _, err := em.Find[Post[K]](ctx, m, nil, em.WithFilter("tenat", nil)); !errors.Is(err, em.ErrUnknownFilter) {
		t.Errorf("unknown filter in a call: %v", err)
	}
	if err := m.EnableFilter("tenat", nil); !errors.Is(err, em.ErrUnknownFilter) {
		t.Errorf("unknown filter on the EntityManager: %v", err)
	}
	if got := e.rec.since(mark); len(got) != 0 {
		t.Errorf("bad filters ran %d statements", len(got))
	}

	// The global filter applies to every entity with a likes property:
	// roots and populated collections, select-in and joined.
	cs, err := em.Find[Comment[K]](ctx, m, nil, em.WithFilter("liked", map[string]any{"min": 5}))
	if err != nil {
		t.Fatal(err)
	}
	if got := bodies(cs); !slices.Equal(got, []string{"c2"}) {
		t.Errorf("liked comments = %v", got)
	}
	strategies := []em.Strategy{em.SelectIn, em.Joined}
	if e.mongo() {
		strategies = strategies[:1] // the Mongo driver has no joined loads
	}
	for _, s := range strategies {
		pm := e.fork()
		p, err := em.FindOneOrFail[Post[K]](ctx, pm, qb.Cond{"title": "p1"}, em.Populate("comments"), em.WithStrategy(s),
			em.WithFilter("liked", map[string]any{"min": 5}))
		if err != nil {
			t.Fatal(err)
		}
		items, err := p.Comments.Items()
		if err != nil {
			t.Fatal(err)
		}
		if got := bodies(items); !slices.Equal(got, []string{"c2"}) {
			t.Errorf("strategy %v: populated comments under liked = %v, want [c2]", s, got)
		}
	}

	// Identity Map rule: a FindOne by key is answered from memory only for
	// an instance loaded under the same filters and arguments.
	im := e.fork()
	tenant1 := em.WithFilter("tenant", map[string]any{"id": 1})
	want(find(im, tenant1), "p1", "p2")
	ps, _ := em.Find[Post[K]](ctx, im, qb.Cond{"title": "p1"}, tenant1)
	mark = e.rec.mark()
	hit, err := em.FindOne[Post[K]](ctx, im, l.p1.ID, tenant1)
	if err != nil || hit != ps[0] {
		t.Fatalf("FindOne under the same filters = %p, %v; want the managed %p", hit, err, ps[0])
	}
	if n := len(e.rec.since(mark)); n != 0 {
		t.Errorf("FindOne under the same filters ran %d statements, want 0", n)
	}
	if hit, err = em.FindOne[Post[K]](ctx, im, l.p1.ID); err != nil || hit != ps[0] {
		t.Fatalf("FindOne under other filters = %p, %v", hit, err)
	}
	if n := len(e.rec.since(mark)); n != 1 {
		t.Errorf("FindOne under other filters ran %d statements, want 1 (a query)", n)
	}
	p3, err := em.FindOneOrFail[Post[K]](ctx, im, l.p3.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := em.FindOne[Post[K]](ctx, im, l.p3.ID, tenant1); err != nil || got != nil {
		t.Errorf("FindOne of a managed tenant-2 post under tenant 1 = %v, %v; want nil", got, err)
	}
	if !im.Contains(p3) {
		t.Errorf("the filtered-out instance left the identity map")
	}

	// Native updates and deletes see the EntityManager's filters.
	nm := e.fork()
	if err := nm.EnableFilter("tenant", map[string]any{"id": 1}); err != nil {
		t.Fatal(err)
	}
	n, err := em.NativeUpdate[Post[K]](ctx, nm, nil, map[string]any{"likes": 100})
	if err != nil || n != 2 {
		t.Errorf("NativeUpdate under tenant 1 = %d, %v; want 2", n, err)
	}
	if got := e.rawRow(t, "m_post", rawID(l.p3.ID)); asInt(got["likes"]) != 7 {
		t.Errorf("tenant 2 row changed by a filtered update: %v", got)
	}
	if err := nm.EnableFilter("liked", map[string]any{"min": 5}); err != nil {
		t.Fatal(err)
	}
	if n, err := em.NativeDelete[Comment[K]](ctx, nm, nil); err != nil || n != 1 {
		t.Errorf("NativeDelete under liked min 5 = %d, %v; want 1", n, err)
	}
	left, err := em.Find[Comment[K]](ctx, e.fork(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := bodies(left); !slices.Equal(got, []string{"c1"}) {
		t.Errorf("comments after the filtered delete = %v, want [c1]", got)
	}
}

// rawID is a key as the raw reader takes it.
func rawID[K Key](id K) any { return any(id) }

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint64:
		return int64(x)
	case []byte: // MySQL text protocol
		var n int64
		for _, c := range x {
			n = n*10 + int64(c-'0')
		}
		return n
	}
	return -1
}
