package emsuite

import (
	"context"
	"errors"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// TestBadInputRunsNoQuery: conditions on unknown properties, maps or
// structs as values, keys of the wrong type and non-entities are errors
// returned before any statement runs.
func TestBadInputRunsNoQuery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		seedAuthors(t, e, "ann")
		m := e.fork()
		cases := []struct {
			name string
			run  func() error
			want error // nil: any error
		}{
			{"unknown property", func() error {
				_, err := em.Find[Author](ctx, m, qb.Cond{"nope": 1})
				return err
			}, unitorm.ErrUnknownProperty},
			{"unknown property through a relation", func() error {
				_, err := em.Find[Book](ctx, m, qb.Cond{"author.nope": 1})
				return err
			}, unitorm.ErrUnknownProperty},
			{"unknown property in an Or", func() error {
				_, err := em.Find[Author](ctx, m, qb.Or(qb.Cond{"name": "ann"}, qb.Cond{"nope": 1}))
				return err
			}, unitorm.ErrUnknownProperty},
			{"to-many relation compared with LIKE", func() error {
				// (compared with keys it means "has one of them": querytest)
				_, err := em.Find[Author](ctx, m, qb.Cond{"books": qb.Like("1")})
				return err
			}, unitorm.ErrUnknownProperty},
			{"unknown order property", func() error {
				_, err := em.Find[Author](ctx, m, nil, em.OrderBy("nope", qb.Asc))
				return err
			}, unitorm.ErrUnknownProperty},
			{"unknown populate path", func() error {
				_, err := em.Find[Author](ctx, m, nil, em.Populate("nope"))
				return err
			}, nil},
			{"map as a condition value", func() error {
				_, err := em.Find[Author](ctx, m, qb.Cond{"name": map[string]any{"$ne": "x"}})
				return err
			}, nil},
			{"struct as a condition value", func() error {
				_, err := em.Find[Author](ctx, m, qb.Cond{"name": struct{ Ne string }{"x"}})
				return err
			}, nil},
			{"map as a key value in FindOne", func() error {
				_, err := em.FindOne[Author](ctx, m, qb.Cond{"id": map[string]any{"$gt": 0}})
				return err
			}, nil},
			{"FindOne of a non-key value", func() error {
				_, err := em.FindOne[Author](ctx, m, struct{ ID int64 }{1})
				return err
			}, nil},
			{"wrong primary-key type", func() error {
				_, err := em.FindOne[Author](ctx, m, "one")
				return err
			}, nil},
			{"wrong primary-key type for a reference", func() error {
				_, err := em.Reference[Author](m, "one")
				return err
			}, unitorm.ErrInvalidKey},
			{"zero primary key for a reference", func() error {
				_, err := em.Reference[Author](m, 0)
				return err
			}, unitorm.ErrInvalidKey},
			{"not an entity", func() error {
				_, err := em.Find[struct{ ID int }](ctx, m, nil)
				return err
			}, unitorm.ErrNotEntity},
			{"persist a non-entity", func() error { return m.Persist(&struct{ ID int }{}) }, unitorm.ErrNotEntity},
			{"persist a struct value", func() error { return m.Persist(Author{}) }, unitorm.ErrNotEntity},
			{"persist nil", func() error { return m.Persist(nil) }, unitorm.ErrNotEntity},
			{"remove an unmanaged entity", func() error { return m.Remove(&Author{ID: 1}) }, unitorm.ErrDetached},
			{"refresh a new entity", func() error { return m.Refresh(ctx, &Author{}) }, unitorm.ErrDetached},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				mark := e.rec.mark()
				err := tc.run()
				if err == nil {
					t.Fatal("no error")
				}
				if tc.want != nil && !errors.Is(err, tc.want) {
					t.Errorf("error %v, want %v", err, tc.want)
				}
				if got := e.rec.since(mark); len(got) != 0 {
					t.Errorf("ran %q before failing", got)
				}
			})
		}
	})
}

// TestRootEntityManagerRefusesWork: the ORM's root EntityManager returns
// ErrGlobalContext for every kind of work unless AllowGlobalContext is set.
func TestRootEntityManagerRefusesWork(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		root := e.orm.EM()
		mark := e.rec.mark()
		work := map[string]func() error{
			"Persist": func() error { return root.Persist(&Note{Text: "x"}) },
			"Flush":   func() error { return root.Flush(ctx) },
			"Find": func() error {
				_, err := em.Find[Note](ctx, root, nil)
				return err
			},
			"FindOne by key": func() error {
				_, err := em.FindOne[Note](ctx, root, 1)
				return err
			},
			"Count": func() error {
				_, err := em.Count[Note](ctx, root, nil)
				return err
			},
			"Reference": func() error {
				_, err := em.Reference[Note](root, 1)
				return err
			},
			"Create": func() error {
				_, err := em.Create[Note](root, map[string]any{"text": "x"})
				return err
			},
			"NativeInsert": func() error {
				_, err := em.NativeInsert[Note](ctx, root, map[string]any{"text": "x"})
				return err
			},
			"Transactional": func() error {
				return root.Transactional(ctx, func(context.Context, *em.EntityManager) error { return nil })
			},
			"Begin":  func() error { return root.Begin(ctx) },
			"Upsert": func() error { return root.Upsert(ctx, &Note{Text: "x"}) },
			"PreviewFlush": func() error {
				_, err := root.PreviewFlush()
				return err
			},
		}
		for name, fn := range work {
			if err := fn(); !errors.Is(err, unitorm.ErrGlobalContext) {
				t.Errorf("root %s: %v, want ErrGlobalContext", name, err)
			}
		}
		if got := e.rec.since(mark); len(got) != 0 {
			t.Errorf("the root EntityManager ran %q", got)
		}
		if n := e.count(t, "note"); n != 0 {
			t.Errorf("%d notes written through the root", n)
		}
	})
	t.Run("allowed by the configuration", func(t *testing.T) {
		e := open(t, "sqlite", func(c *unitorm.Config) { c.AllowGlobalContext = true })
		if err := persistFlush(context.Background(), e.orm.EM(), &Note{Text: "global"}); err != nil {
			t.Fatal(err)
		}
		equalStrings(t, "notes", noteTexts(t, e), []string{"global"})
	})
}
