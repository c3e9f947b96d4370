package mappingtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/em"
)

// filterState is the model of which filters are on, with which arguments.
type filterState struct {
	tenant  *int64 // nil: off
	liked   *int   // nil: off
	deleted bool   // soft-deleted rows shown
}

func (s filterState) String() string {
	var parts []string
	if s.tenant != nil {
		parts = append(parts, fmt.Sprintf("tenant=%d", *s.tenant))
	}
	if s.liked != nil {
		parts = append(parts, fmt.Sprintf("liked>=%d", *s.liked))
	}
	if s.deleted {
		parts = append(parts, "with deleted")
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// TestFiltersMatchModel: random EntityManager settings and per-call options
// (seeded, reproducible) over random rows; Find and Count return what the
// model of the filters says, on every backend.
func TestFiltersMatchModel(t *testing.T) {
	forEach(t, model[int64](), model[string](), withFilters[int64](), withFilters[string](),
		func(t *testing.T, e *env) { checkFilterModel[int64](t, e, 11) },
		func(t *testing.T, e *env) { checkFilterModel[string](t, e, 11) })
}

func checkFilterModel[K Key](t *testing.T, e *env, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 15))
	type row struct {
		title   string
		tenant  int64
		likes   int
		deleted bool
	}
	var rows []row
	m := e.fork()
	var posts []*Post[K]
	for i := range 24 {
		r := row{title: fmt.Sprintf("p%02d", i), tenant: int64(1 + rng.IntN(3)), likes: rng.IntN(10), deleted: rng.IntN(4) == 0}
		rows = append(rows, r)
		p := &Post[K]{Title: r.title, Tenant: r.tenant, Likes: r.likes}
		posts = append(posts, p)
		if err := m.Persist(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r.deleted {
			if err := m.Remove(posts[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ptr := func(n int64) *int64 { return &n }
	iptr := func(n int) *int { return &n }
	for q := range 40 {
		qm := e.fork()
		var st filterState
		if rng.IntN(2) == 0 {
			st.tenant = ptr(int64(1 + rng.IntN(3)))
			if err := qm.EnableFilter("tenant", map[string]any{"id": *st.tenant}); err != nil {
				t.Fatal(err)
			}
		}
		if rng.IntN(2) == 0 {
			st.liked = iptr(rng.IntN(10))
			if err := qm.EnableFilter("liked", map[string]any{"min": *st.liked}); err != nil {
				t.Fatal(err)
			}
		}
		if rng.IntN(4) == 0 {
			st.deleted = true
			if err := qm.DisableFilter(em.SoftDeleteFilter); err != nil {
				t.Fatal(err)
			}
		}
		var opts []em.FindOption
		for range rng.IntN(3) {
			switch rng.IntN(5) {
			case 0:
				id := int64(1 + rng.IntN(3))
				st.tenant = &id
				opts = append(opts, em.WithFilter("tenant", map[string]any{"id": id}))
			case 1:
				st.tenant = nil
				opts = append(opts, em.WithoutFilter("tenant"))
			case 2:
				min := rng.IntN(10)
				st.liked = &min
				opts = append(opts, em.WithFilter("liked", map[string]any{"min": min}))
			case 3:
				st.deleted = true
				opts = append(opts, em.WithDeleted())
			case 4:
				st = filterState{deleted: true}
				opts = append(opts, em.WithoutFilters())
			}
		}
		var want []string
		for _, r := range rows {
			if (st.tenant == nil || r.tenant == *st.tenant) && (st.liked == nil || r.likes >= *st.liked) && (st.deleted || !r.deleted) {
				want = append(want, r.title)
			}
		}
		got, err := em.Find[Post[K]](ctx, qm, nil, opts...)
		if err != nil {
			t.Fatalf("seed %d query %d %v: %v", seed, q, st, err)
		}
		if names := titles(got); !slices.Equal(names, want) {
			t.Errorf("seed %d query %d %v: Find = %v, want %v", seed, q, st, names, want)
		}
		n, err := em.Count[Post[K]](ctx, qm, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Count takes no options: the EntityManager's settings only, so
		// compare it with a Find without options.
		base, err := em.Find[Post[K]](ctx, qm.Fork(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if int(n) != len(base) {
			t.Errorf("seed %d query %d: Count = %d, Find = %d", seed, q, n, len(base))
		}
	}
}
