package emsuite

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// TestConditionOnRelationTakesEntities: a condition on a to-one relation
// compares with an entity as MikroORM's {author: a} does, with a list of
// entities, and inside operators; the results equal those of the same
// conditions on the keys.
func TestConditionOnRelationTakesEntities(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		w := e.fork()
		ann, bob, cy := &Author{Name: "ann", Email: "ann@r"}, &Author{Name: "bob", Email: "bob@r"}, &Author{Name: "cy", Email: "cy@r"}
		for i, a := range []*Author{ann, bob, cy, ann, bob, ann} {
			if err := w.Persist(&Book{Title: "rel" + string(rune('a'+i)), Author: a}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		titles := func(c qb.Condition) []string {
			t.Helper()
			bs, err := em.Find[Book](ctx, e.fork(), c, em.OrderBy("title", qb.Asc))
			if err != nil {
				t.Fatalf("%v: %v", c, err)
			}
			var out []string
			for _, b := range bs {
				out = append(out, b.Title)
			}
			return out
		}
		for _, tc := range []struct {
			name          string
			entity, keyed qb.Condition
		}{
			{"an entity", qb.Cond{"author": ann}, qb.Cond{"author": ann.ID}},
			{"a list of entities", qb.Cond{"author": []*Author{ann, cy}}, qb.Cond{"author": []any{ann.ID, cy.ID}}},
			{"In", qb.Cond{"author": qb.In(bob, cy)}, qb.Cond{"author": qb.In(bob.ID, cy.ID)}},
			{"Ne", qb.Cond{"author": qb.Ne(ann)}, qb.Cond{"author": qb.Ne(ann.ID)}},
			{"inside Or", qb.Or(qb.Cond{"author": bob}, qb.Cond{"title": "rela"}), qb.Or(qb.Cond{"author": bob.ID}, qb.Cond{"title": "rela"})},
		} {
			got, want := titles(tc.entity), titles(tc.keyed)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("%s: %v, by key %v", tc.name, got, want)
			}
		}
		// An entity not yet flushed has no key to compare with: an error,
		// no query.
		mark := e.rec.mark()
		if _, err := em.Find[Book](ctx, e.fork(), qb.Cond{"author": &Author{Name: "new"}}); !errors.Is(err, unitorm.ErrInvalidKey) ||
			!strings.Contains(err.Error(), "no key yet") || !strings.Contains(err.Error(), "author") ||
			strings.Count(err.Error(), "unitorm: ") != 1 {
			t.Errorf("a condition on an unsaved entity: %v, want ErrInvalidKey naming the relation and saying it has no key yet (prefixed once)", err)
		}
		if _, err := em.Find[Book](ctx, e.fork(), qb.Cond{"author": qb.In(&Author{Name: "new"})}); !errors.Is(err, unitorm.ErrInvalidKey) {
			t.Errorf("In of an unsaved entity: %v, want ErrInvalidKey", err)
		}
		if n := len(e.rec.since(mark)); n != 0 {
			t.Errorf("a condition on an unsaved entity ran %d statements", n)
		}
	})
}
