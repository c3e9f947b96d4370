package mappingtest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

type Settings struct {
	Theme string `json:"theme"`
	Size  int    `json:"size"`
	Geo   struct {
		City string `json:"city"`
	} `json:"geo"`
}

// Profile keeps Settings in one JSON column (the object mode).
type Profile[K Key] struct {
	ID       K `orm:"pk"`
	Name     string
	Settings Settings `orm:"type=json"`
}

func (Profile[K]) TableName() string { return "m_profile" }

func profileModel[K Key]() []any { return []any{Profile[K]{}} }

// TestJSONPathConditions: conditions and order on keys inside a JSON
// property (strings, numbers, nested keys, IN) on every backend; a bad key
// and a JSON path in a native update are refused before anything runs.
func TestJSONPathConditions(t *testing.T) {
	forEach(t, profileModel[int64](), profileModel[string](), nil, nil,
		func(t *testing.T, e *env) { checkJSONPaths[int64](t, e) },
		func(t *testing.T, e *env) { checkJSONPaths[string](t, e) })
}

func checkJSONPaths[K Key](t *testing.T, e *env) {
	ctx := context.Background()
	m := e.fork()
	mk := func(name, theme string, size int, city string) *Profile[K] {
		p := &Profile[K]{Name: name, Settings: Settings{Theme: theme, Size: size}}
		p.Settings.Geo.City = city
		return p
	}
	if err := m.Persist(mk("ann", "dark", 12, "Oslo"), mk("bob", "light", 9, "Rome"), mk("cat", "dark", 30, "Rome")); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	names := func(where qb.Condition, opts ...em.FindOption) []string {
		t.Helper()
		ps, err := em.Find[Profile[K]](ctx, e.fork(), where, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	cases := []struct {
		where qb.Condition
		want  []string
	}{
		{qb.Cond{"settings.theme": "dark"}, []string{"ann", "cat"}},
		{qb.Cond{"settings.size": qb.Gt(10)}, []string{"ann", "cat"}},
		{qb.Cond{"settings.size": qb.Lt(10)}, []string{"bob"}},
		{qb.Cond{"settings.geo.city": "Rome", "settings.theme": "dark"}, []string{"cat"}},
		{qb.Cond{"settings.geo.city": []any{"Oslo", "Paris"}}, []string{"ann"}},
	}
	for _, c := range cases {
		if got := names(c.where, em.OrderBy("name", qb.Asc)); !slices.Equal(got, c.want) {
			t.Errorf("%v: %v, want %v", c.where, got, c.want)
		}
	}
	if got := names(nil, em.OrderBy("settings.size", qb.Desc)); !slices.Equal(got, []string{"cat", "ann", "bob"}) {
		t.Errorf("order by settings.size desc: %v", got)
	}
	mark := e.rec.mark()
	_, err := em.Find[Profile[K]](ctx, e.fork(), qb.Cond{"settings.the-me": "x"})
	var pe *em.PropertyError
	if !errors.As(err, &pe) || !errors.Is(err, em.ErrUnknownProperty) {
		t.Errorf("bad JSON key: %v", err)
	}
	if _, err := em.NativeDelete[Profile[K]](ctx, e.fork(), qb.Cond{"settings.theme": "dark"}); err == nil {
		t.Errorf("a native delete took a JSON path")
	}
	if n := len(e.rec.since(mark)); n != 0 {
		t.Errorf("refused conditions ran %d statements", n)
	}
}
