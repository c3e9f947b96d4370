package emsuite

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/meta"
)

// Plain encoding/json on entities: what most Go code does with them first.

type JSONUser struct {
	ID       int64                          `orm:"pk" json:"id"`
	Name     string                         `json:"name"`
	Password string                         `orm:"hidden" json:"-"`
	Posts    unitorm.Collection[*JSONPost]  `orm:"1:m,mappedBy=Author" json:"posts"`
	Drafts   unitorm.Collection[*JSONDraft] `orm:"1:m,mappedBy=Author" json:"drafts,omitzero"`
}

type JSONPost struct {
	ID     int64     `orm:"pk" json:"id"`
	Title  string    `json:"title"`
	Author *JSONUser `orm:"m:1" json:"-"` // the back-reference: encoding/json follows pointers blindly
}

type JSONDraft struct {
	ID     int64     `orm:"pk" json:"id"`
	Author *JSONUser `orm:"m:1" json:"-"`
}

// LeakyJSONUser has a hidden property encoding/json would write.
type LeakyJSONUser struct {
	ID       int64  `orm:"pk"`
	Password string `orm:"hidden"`
}

func TestJSONMarshalOfEntities(t *testing.T) {
	configure := func(c *unitorm.Config) { c.Entities = []any{JSONUser{}, JSONPost{}, JSONDraft{}} }
	forEachBackendWith(t, configure, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		u := &JSONUser{Name: "ann", Password: "s3cret"}
		u.Posts.Add(&JSONPost{Title: "one"}, &JSONPost{Title: "two"})
		if err := m.Persist(u); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		r := e.fork()
		got, err := em.FindOneOrFail[JSONUser](ctx, r, u.ID, em.Populate("posts"), em.OrderBy("id", "asc"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if strings.Contains(s, "s3cret") {
			t.Errorf("json.Marshal wrote the hidden password: %s", s)
		}
		// Loaded collection: its items; unloaded omitzero collection: left out.
		if !strings.Contains(s, `"posts":[{"id":`) || !strings.Contains(s, `"title":"one"`) || !strings.Contains(s, `"title":"two"`) {
			t.Errorf("json.Marshal of a user with loaded posts = %s", s)
		}
		if strings.Contains(s, "drafts") {
			t.Errorf("an unloaded omitzero collection was written: %s", s)
		}
		// Not loaded, no omitzero: null, never [] or {}.
		bare, err := em.FindOneOrFail[JSONUser](ctx, e.fork(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ = json.Marshal(bare)
		if want := `"posts":null`; !strings.Contains(string(b), want) {
			t.Errorf("json.Marshal of a user with unloaded posts = %s, want %s", b, want)
		}
	})
}

func TestHiddenWithoutJSONDashRefusedAtOpen(t *testing.T) {
	_, err := unitorm.Open(context.Background(), sqlite.Open("file::memory:"), unitorm.Config{Entities: []any{LeakyJSONUser{}}})
	var de *meta.DefinitionError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), `LeakyJSONUser.Password: a hidden property needs json:"-"`) {
		t.Fatalf("Open = %v, want a *meta.DefinitionError naming LeakyJSONUser.Password", err)
	}
}
