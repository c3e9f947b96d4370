package mappingtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/em"
)

// Writer is required by Article (an ORM rule before the NOT NULL key).
type Writer[K Key] struct {
	ID   K `orm:"pk"`
	Name string
}

func (Writer[K]) TableName() string { return "m_writer" }

// Article has tag rules and a Validate hook.
type Article[K Key] struct {
	ID     K          `orm:"pk"`
	Title  string     `orm:"required,length=20"`
	Status string     `orm:"enum=draft|published|archived,length=10"`
	Level  int        `orm:"enum=1|2|3"`
	Note   *string    `orm:"length=5"`
	Writer *Writer[K] `orm:"m:1,required"`
}

func (Article[K]) TableName() string { return "m_article" }

func (a *Article[K]) Validate(context.Context) error {
	if a.Status == "published" && a.Level < 2 {
		return em.Invalid("level", "a published article needs level 2 or more")
	}
	if a.Title == "boom" {
		return errors.Join(em.Invalid("title", "no boom"), fmt.Errorf("plain hook error"))
	}
	return nil
}

func articleModel[K Key]() []any { return []any{Writer[K]{}, Article[K]{}} }

// TestValidationBeforeFlush: required, length, enum and the Validate hook
// are checked before anything is sent; every violation of every entity is
// in one *em.ValidationError naming entity, property and rule; the entities
// keep their state; an update checks only the properties it changes and
// writes only them.
func TestValidationBeforeFlush(t *testing.T) {
	forEach(t, articleModel[int64](), articleModel[string](), nil, nil,
		func(t *testing.T, e *env) { checkValidation[int64](t, e) },
		func(t *testing.T, e *env) { checkValidation[string](t, e) })
}

func checkValidation[K Key](t *testing.T, e *env) {
	ctx := context.Background()
	m := e.fork()
	long := "abcdefgh"
	w := &Writer[K]{Name: "w"}
	a1 := &Article[K]{Title: "", Status: "gone", Level: 7, Note: &long}
	a2 := &Article[K]{Title: strings.Repeat("é", 21), Status: "published", Level: 1, Writer: w}
	a3 := &Article[K]{Title: "boom", Status: "draft", Level: 1, Writer: w}
	if err := m.Persist(w, a1, a2, a3); err != nil {
		t.Fatal(err)
	}
	mark := e.rec.mark()
	err := m.Flush(ctx)
	var ve *em.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, em.ErrValidation) {
		t.Fatalf("flush = %v, want a *em.ValidationError", err)
	}
	var got []string
	for _, v := range ve.Violations {
		if !strings.HasPrefix(v.Entity, "Article") {
			t.Errorf("violation of %q, want Article", v.Entity)
		}
		got = append(got, v.Property+":"+v.Rule)
	}
	slices.Sort(got)
	want := []string{":hook", "level:enum", "level:hook", "note:length", "status:enum", "title:hook", "title:length", "title:required", "writer:required"}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %v\nwant %v\n(%v)", got, want, err)
	}
	if n := len(e.rec.since(mark)); n != 0 {
		t.Errorf("a failed validation sent %d statements", n)
	}
	var zero K
	if a1.ID != zero || w.ID != zero || !m.Contains(a1) {
		t.Errorf("entities changed by a failed validation: %+v %+v", a1, w)
	}

	// Fixed, the same flush goes through.
	short := "ok"
	a1.Title, a1.Status, a1.Level, a1.Note, a1.Writer = "first", "draft", 2, &short, w
	a2.Title, a2.Level = "second", 2
	a3.Title = "third"
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if raw := e.rawRow(t, "m_article", rawID(a1.ID)); fmt.Sprint(asString(raw["status"])) != "draft" {
		t.Errorf("raw status = %v", raw["status"])
	}

	// Reloaded and changed: a bad value is refused, a good one writes only
	// its column.
	rm := e.fork()
	r1, err := em.FindOneOrFail[Article[K]](ctx, rm, a1.ID)
	if err != nil {
		t.Fatal(err)
	}
	r1.Status = "archivedd"
	if err := rm.Flush(ctx); !errors.As(err, &ve) || len(ve.Violations) != 1 || ve.Violations[0].Property != "status" {
		t.Fatalf("bad update: %v", err)
	}
	r1.Status = "published"
	mark = e.rec.mark()
	if err := rm.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.updates(mark); len(got) != 1 || !slices.Equal(got[0], []string{"status"}) {
		t.Errorf("update wrote %v, want only status", got)
	}

	// A stored row that breaks a rule (written around the ORM) can still
	// be changed elsewhere: updates check what they change.
	if _, err := em.NativeUpdate[Article[K]](ctx, e.fork(), nil, map[string]any{"title": ""}); err != nil {
		t.Fatal(err)
	}
	lm := e.fork()
	l2, err := em.FindOneOrFail[Article[K]](ctx, lm, a2.ID)
	if err != nil {
		t.Fatal(err)
	}
	l2.Level = 3
	if err := lm.Flush(ctx); err != nil {
		t.Errorf("update of a row with an empty required title: %v", err)
	}
}

func asString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}
