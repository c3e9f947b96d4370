package mongotest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/mongo"
	"github.com/unitorm/unitorm/qb"
)

func TestPopulateQueryCounts(t *testing.T) {
	e := newEnv(t)
	seed(t, e, 3, 2, 3)
	tests := []struct {
		name  string
		run   func(m *em.EntityManager) error
		finds []string
	}{
		{"authors books tags", func(m *em.EntityManager) error {
			as, err := em.Find[Author](e.ctx, m, nil, em.Populate("books.tags"))
			if err != nil {
				return err
			}
			for _, a := range as {
				bs, err := a.Books.Items()
				if err != nil || len(bs) != 2 {
					return errors.New("books not populated")
				}
				for _, b := range bs {
					ts, err := b.Tags.Items()
					if err != nil || len(ts) != 3 {
						return errors.New("tags not populated")
					}
					for _, tg := range ts {
						if !m.IsLoaded(tg) || tg.Name == "" {
							return errors.New("a tag is an unloaded reference")
						}
					}
				}
			}
			return nil
		}, []string{"find author", "find book", "find tag"}},
		{"books author", func(m *em.EntityManager) error {
			bs, err := em.Find[Book](e.ctx, m, nil, em.Populate("author"))
			if err != nil {
				return err
			}
			for _, b := range bs {
				if !m.IsLoaded(b.Author) || b.Author.Name == "" {
					return errors.New("author not loaded")
				}
			}
			return nil
		}, []string{"find book", "find author"}},
		{"tags books author (inverse m:n)", func(m *em.EntityManager) error {
			ts, err := em.Find[Tag](e.ctx, m, nil, em.Populate("books.author"))
			if err != nil {
				return err
			}
			for _, tg := range ts {
				bs, err := tg.Books.Items()
				if err != nil || len(bs) != 6 {
					return errors.New("a tag does not hold its 6 books")
				}
			}
			return nil
		}, []string{"find tag", "find book", "find author"}},
		{"filtered and ordered m:n", func(m *em.EntityManager) error {
			bs, err := em.Find[Book](e.ctx, m, qb.Cond{"title": "A0-B0"}, em.Populate("tags"),
				em.PopulateWhere("tags", qb.Cond{"name": qb.In("t2", "t0")}), em.PopulateOrderBy("tags", "name", qb.Desc))
			if err != nil || len(bs) != 1 {
				return errors.New("book not found")
			}
			ts, err := bs[0].Tags.Items()
			if err != nil {
				return err
			}
			var names []string
			for _, tg := range ts {
				names = append(names, tg.Name)
			}
			if !slices.Equal(names, []string{"t2", "t0"}) {
				return errors.New("tags not filtered and ordered: " + strings.Join(names, ","))
			}
			return nil
		}, []string{"find book", "find tag"}},
		{"already loaded costs nothing", func(m *em.EntityManager) error {
			if _, err := em.Find[Tag](e.ctx, m, nil); err != nil {
				return err
			}
			_, err := em.Find[Book](e.ctx, m, nil, em.Populate("tags"))
			return err
		}, []string{"find tag", "find book"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := e.fork()
			mark := e.mon.mark()
			if err := tt.run(m); err != nil {
				t.Fatal(err)
			}
			if got := e.mon.names(mark); !slices.Equal(got, tt.finds) {
				t.Fatalf("sent %v, want %v", got, tt.finds)
			}
		})
	}
}

func TestPopulateReferenceLoadedInPlace(t *testing.T) {
	e := newEnv(t)
	authors, _ := seed(t, e, 1, 1, 2)
	b := authors[0].Books.AnyItems()[0].(*Book)
	m := e.fork()
	ref, err := em.Reference[Book](m, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Load(e.ctx, ref); err != nil {
		t.Fatal(err)
	}
	// The in-place load kept the key array: populate only reads the tags.
	mark := e.mon.mark()
	if err := m.Populate(e.ctx, ref, "tags"); err != nil {
		t.Fatal(err)
	}
	if got := e.mon.names(mark); !slices.Equal(got, []string{"find tag"}) {
		t.Fatalf("sent %v", got)
	}
	if ts, err := ref.Tags.Items(); err != nil || len(ts) != 2 || !m.IsLoaded(ts[0]) {
		t.Fatalf("tags %v, %v", ts, err)
	}
}

func TestJoinsRefused(t *testing.T) {
	e := newEnv(t)
	seed(t, e, 1, 1, 1)
	m := e.fork()
	mark := e.mon.mark()
	_, err := em.Find[Book](e.ctx, m, qb.Cond{"author.name": "A0"})
	if !errors.Is(err, mongo.ErrJoin) || !errors.Is(err, mongo.ErrUnsupported) {
		t.Fatalf("condition through a relation: %v, want mongo.ErrJoin", err)
	}
	_, err = em.Find[Author](e.ctx, m, nil, em.Populate("books"), em.WithStrategy(em.Joined))
	if !errors.Is(err, mongo.ErrJoin) {
		t.Fatalf("joined populate: %v, want mongo.ErrJoin", err)
	}
	if got := e.mon.names(mark); len(got) != 0 {
		t.Fatalf("refused queries sent %v", got)
	}
}
