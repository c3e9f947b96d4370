package mappingtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/migrate"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/sqldb"
)

// Tagged has the built-in array type on each supported element type:
// native arrays on PostgreSQL, JSON elsewhere, BSON arrays on MongoDB.
type Tagged[K Key] struct {
	ID      K `orm:"pk"`
	Name    string
	Tags    []string    `orm:"type=array"`
	Scores  []int64     `orm:"type=array"`
	Counts  []int       `orm:"type=array"`
	Weights []float64   `orm:"type=array"`
	Flags   []bool      `orm:"type=array"`
	Seen    []time.Time `orm:"type=array"`
	Maybe   *[]string   `orm:"type=array"` // nullable
}

func (Tagged[K]) TableName() string { return "m_tagged" }

func taggedModel[K Key]() []any { return []any{Tagged[K]{}} }

// TestArrays: slices round-trip (read back raw as a PostgreSQL array, JSON
// text or a BSON array), an in-place element change is a change of that
// column only, nil and empty are the same value, a *[]T holds NULL,
// equality conditions take slices, and steps large enough for the
// PostgreSQL unnest forms still write arrays.
func TestArrays(t *testing.T) {
	forEach(t, taggedModel[int64](), taggedModel[string](), nil, nil,
		func(t *testing.T, e *env) { checkArrays[int64](t, e) },
		func(t *testing.T, e *env) { checkArrays[string](t, e) })
}

func checkArrays[K Key](t *testing.T, e *env) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	m := e.fork()
	one := &Tagged[K]{Name: "one", Tags: []string{"a", "b,c", `"q"`}, Scores: []int64{1, math.MaxInt64}, Counts: []int{3},
		Weights: []float64{1.5, -2}, Flags: []bool{true, false}, Seen: []time.Time{t0}}
	two := &Tagged[K]{Name: "two", Maybe: &[]string{"x"}}
	if err := m.Persist(one, two); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	raw := e.rawRow(t, "m_tagged", rawID(one.ID))
	if got := rawList(raw["tags"]); got != `["a","b,c","\"q\""]` {
		t.Errorf("raw tags = %s (%T)", got, raw["tags"])
	}
	if got := rawList(raw["scores"]); got != fmt.Sprintf("[1,%d]", int64(math.MaxInt64)) {
		t.Errorf("raw scores = %s (%T)", got, raw["scores"])
	}
	if raw["maybe"] != nil {
		t.Errorf("raw maybe = %v, want NULL", raw["maybe"])
	}
	if got := rawList(e.rawRow(t, "m_tagged", rawID(two.ID))["tags"]); got != "[]" {
		t.Errorf("raw tags of a nil slice = %s, want []", got)
	}

	rm := e.fork()
	l1, err := em.FindOneOrFail[Tagged[K]](ctx, rm, one.ID)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := em.FindOneOrFail[Tagged[K]](ctx, rm, two.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l1.Tags, one.Tags) || !slices.Equal(l1.Scores, one.Scores) || !slices.Equal(l1.Counts, one.Counts) ||
		!slices.Equal(l1.Weights, one.Weights) || !slices.Equal(l1.Flags, one.Flags) || len(l1.Seen) != 1 || !l1.Seen[0].Equal(t0) || l1.Maybe != nil {
		t.Errorf("reloaded %+v", l1)
	}
	if l2.Tags == nil || len(l2.Tags) != 0 || l2.Maybe == nil || !slices.Equal(*l2.Maybe, []string{"x"}) {
		t.Errorf("reloaded two: tags %#v maybe %v", l2.Tags, l2.Maybe)
	}
	if rm.IsDirty(l1) || rm.IsDirty(l2) {
		t.Fatalf("reloaded entities are dirty")
	}
	l2.Tags = nil // nil and empty are the same value
	if rm.IsDirty(l2) {
		t.Errorf("a nil slice where an empty one was read is a change")
	}

	update := func(fn func(), want string) {
		t.Helper()
		fn()
		mark := e.rec.mark()
		if err := rm.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		got := e.updates(mark)
		if len(got) != 1 || !slices.Equal(got[0], []string{want}) {
			t.Errorf("update wrote %v, want only %s", got, want)
		}
	}
	update(func() { l1.Tags[0] = "z" }, "tags") // in place: the snapshot holds a copy
	update(func() { l1.Scores = append(l1.Scores, -7) }, "scores")
	update(func() { l1.Seen[0] = t0.Add(time.Hour) }, "seen")
	update(func() { l2.Maybe = nil }, "maybe")

	// Equality conditions take a slice.
	found, err := em.Find[Tagged[K]](ctx, e.fork(), qb.Cond{"tags": []string{"z", "b,c", `"q"`}})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Name != "one" {
		t.Errorf("tags = [z b,c \"q\"]: %v", found)
	}
	// Contains (@> on PostgreSQL, $all on MongoDB); the others have no
	// array operators.
	if e.b == harness.Postgres || e.mongo() {
		found, err := em.Find[Tagged[K]](ctx, e.fork(), qb.Cond{"tags": qb.Contains([]string{"b,c", "z"})})
		if err != nil || len(found) != 1 || found[0].Name != "one" {
			t.Errorf("tags contains [b,c z]: %v, %v", found, err)
		}
		found, err = em.Find[Tagged[K]](ctx, e.fork(), qb.Cond{"tags": qb.Contains([]string{"a"})})
		if err != nil || len(found) != 0 {
			t.Errorf("tags contains [a]: %v, %v", found, err)
		}
	} else if _, err := em.Find[Tagged[K]](ctx, e.fork(), qb.Cond{"tags": qb.Contains([]string{"a"})}); err == nil {
		t.Errorf("contains on %s: no error", e.b)
	}
	back, err := em.FindOneOrFail[Tagged[K]](ctx, e.fork(), one.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Scores, []int64{1, math.MaxInt64, -7}) || !back.Seen[0].Equal(t0.Add(time.Hour)) {
		t.Errorf("after updates: %+v", back)
	}

	// Many rows at once (PostgreSQL's unnest forms start at 128 inserts
	// and 16 updates): arrays still go whole.
	bm := e.fork()
	var many []*Tagged[K]
	for i := range 130 {
		x := &Tagged[K]{Name: fmt.Sprintf("b%03d", i), Tags: []string{"t", fmt.Sprint(i)}, Counts: []int{i, i}}
		many = append(many, x)
		if err := bm.Persist(x); err != nil {
			t.Fatal(err)
		}
	}
	if err := bm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, x := range many[:20] {
		x.Tags = append(x.Tags, "u")
	}
	if err := bm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := em.Find[Tagged[K]](ctx, e.fork(), qb.Cond{"name": qb.Like("b%")}, em.OrderBy("name", qb.Asc))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 130 || !slices.Equal(got[5].Tags, []string{"t", "5", "u"}) || !slices.Equal(got[100].Tags, []string{"t", "100"}) || !slices.Equal(got[7].Counts, []int{7, 7}) {
		t.Errorf("bulk arrays: %d rows, [5] %v, [100] %v", len(got), got[5].Tags, got[100].Tags)
	}
}

// rawList renders a raw array value (pgx's []any, JSON text, a BSON array)
// as compact JSON.
func rawList(v any) string {
	switch x := v.(type) {
	case string:
		return strings.ReplaceAll(x, ", ", ",")
	case []byte:
		return strings.ReplaceAll(string(x), ", ", ",")
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		items := make([]any, rv.Len())
		for i := range items {
			items[i] = rv.Index(i).Interface()
		}
		b, _ := json.Marshal(items)
		return string(b)
	}
	return fmt.Sprintf("%v", v)
}

// TaggedBefore is m_tagged before it gains array columns.
type TaggedBefore struct {
	ID   int64 `orm:"pk"`
	Name string
}

func (TaggedBefore) TableName() string { return "m_tagged" }

// TestArrayMigration: adding array columns is a diff of those columns; after
// the migration the database matches the entities (array types read back
// as written), and down removes them.
func TestArrayMigration(t *testing.T) {
	before, after := registry(t, TaggedBefore{}), registry(t, Tagged[int64]{})
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		m := migrate.New(db, migrate.Config{Dir: t.TempDir(), NoRegistered: true, Log: t.Logf})
		if _, err := m.Create(ctx, before.Entities(), migrate.CreateOptions{Initial: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		diff, err := schema.CompareDB(ctx, db, after.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil {
			t.Fatal(err)
		}
		all := fmt.Sprint(diff.Changes) // SQLite rebuilds the table to add NOT NULL columns
		for _, c := range []string{"tags", "scores", "counts", "weights", "flags", "seen", "maybe"} {
			if !strings.Contains(all, "add column "+c) && !strings.Contains(all, "add column m_tagged."+c) {
				t.Errorf("diff = %v, want %s added", diff.Changes, c)
			}
		}
		if _, err := m.Create(ctx, after.Entities(), migrate.CreateOptions{Name: "arrays"}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if err := m.Check(ctx, after.Entities()); err != nil {
			t.Errorf("check after up: %v", err)
		}
		if _, err := m.Down(ctx, ""); err != nil {
			t.Fatal(err)
		}
		diff, err = schema.CompareDB(ctx, db, before.Entities(), schema.IgnoreTables(migrate.DefaultTable))
		if err != nil || !diff.Empty() {
			t.Errorf("after down: %v, %v", diff.Changes, err)
		}
	})
}
