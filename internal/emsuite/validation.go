package emsuite

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// seedLibrary writes an author with two books, each with two tags, and
// returns the author's id.
func seedLibrary(t *testing.T, e *env) int64 {
	t.Helper()
	ctx := context.Background()
	m := e.fork()
	a := &Author{Name: "ann", Email: "ann@lib"}
	go1, db := &Tag{Name: "go"}, &Tag{Name: "db"}
	for _, title := range []string{"b1", "b2"} {
		if err := m.Persist(&Book{Title: title, Author: a, Tags: unitorm.NewCollection(go1, db)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// TestBadPopulateOptionsRunNoQuery: every populate path, PopulateWhere,
// PopulateOrderBy, order and condition is checked against the metadata
// before the first statement, on both strategies and on identity-map hits:
// a typo is a typed error naming the entity and the path or property, and
// nothing runs.
func TestBadPopulateOptionsRunNoQuery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		id := seedLibrary(t, e)
		m := e.fork()
		// The author in the identity map, for the FindOne hits below.
		if _, err := em.FindOneOrFail[Author](ctx, m, id); err != nil {
			t.Fatal(err)
		}
		type pathErr struct{ entity, path string }
		type propErr struct{ entity, prop string }
		cases := []struct {
			name string
			run  func(s em.Strategy) error
			path *pathErr // want a *em.PathError (ErrUnknownPath)
			prop *propErr // want a *em.PropertyError (ErrUnknownProperty)
		}{
			{"PopulateWhere on a path not populated (typo)", func(s em.Strategy) error {
				_, err := em.Find[Book](ctx, m, nil, em.WithStrategy(s), em.Populate("tags"),
					em.PopulateWhere("tgas", qb.Cond{"name": "go"}))
				return err
			}, &pathErr{"Book", "tgas"}, nil},
			{"PopulateOrderBy on a path not populated (typo)", func(s em.Strategy) error {
				_, err := em.Find[Book](ctx, m, nil, em.WithStrategy(s), em.Populate("tags"),
					em.PopulateOrderBy("tgas", "name", qb.Asc))
				return err
			}, &pathErr{"Book", "tgas"}, nil},
			{"PopulateWhere without Populate", func(s em.Strategy) error {
				_, err := em.Find[Book](ctx, m, nil, em.WithStrategy(s), em.PopulateWhere("tags", qb.Cond{"name": "go"}))
				return err
			}, &pathErr{"Book", "tags"}, nil},
			{"PopulateWhere on a level not its own", func(s em.Strategy) error {
				_, err := em.Find[Author](ctx, m, nil, em.WithStrategy(s), em.Populate("books.tags"),
					em.PopulateWhere("tags", qb.Cond{"name": "go"}))
				return err
			}, &pathErr{"Author", "tags"}, nil},
			{"PopulateWhere on a to-one path", func(s em.Strategy) error {
				_, err := em.Find[Book](ctx, m, nil, em.WithStrategy(s), em.Populate("author"),
					em.PopulateWhere("author", qb.Cond{"name": "ann"}))
				return err
			}, &pathErr{"Book", "author"}, nil},
			{"unknown property in PopulateWhere", func(s em.Strategy) error {
				_, err := em.Find[Book](ctx, m, nil, em.WithStrategy(s), em.Populate("tags"),
					em.PopulateWhere("tags", qb.Cond{"nmae": "go"}))
				return err
			}, nil, &propErr{"Tag", "nmae"}},
			{"unknown property in an Or of PopulateWhere", func(s em.Strategy) error {
				_, err := em.Find[Author](ctx, m, nil, em.WithStrategy(s), em.Populate("books.tags"),
					em.PopulateWhere("books.tags", qb.Or(qb.Cond{"name": "go"}, qb.Cond{"nmae": "db"})))
				return err
			}, nil, &propErr{"Tag", "nmae"}},
			{"relation path in PopulateWhere", func(s em.Strategy) error {
				_, err := em.Find[Author](ctx, m, nil, em.WithStrategy(s), em.Populate("books"),
					em.PopulateWhere("books", qb.Cond{"author.name": "ann"}))
				return err
			}, nil, &propErr{"Book", "author.name"}},
			{"unknown property in PopulateOrderBy", func(s em.Strategy) error {
				_, err := em.Find[Author](ctx, m, nil, em.WithStrategy(s), em.Populate("books"),
					em.PopulateOrderBy("books", "tilte", qb.Desc))
				return err
			}, nil, &propErr{"Book", "tilte"}},
			{"unknown populate path", func(s em.Strategy) error {
				_, err := em.Find[Book](ctx, m, nil, em.WithStrategy(s), em.Populate("tgas"))
				return err
			}, &pathErr{"Book", "tgas"}, nil},
			{"unknown nested populate path", func(s em.Strategy) error {
				_, err := em.Find[Author](ctx, m, nil, em.WithStrategy(s), em.Populate("books.tgas"))
				return err
			}, &pathErr{"Book", "books.tgas"}, nil},
			{"unknown order property", func(s em.Strategy) error {
				_, err := em.Find[Author](ctx, m, nil, em.WithStrategy(s), em.Populate("books"), em.OrderBy("nmae", qb.Asc))
				return err
			}, nil, &propErr{"Author", "nmae"}},
			{"unknown condition property through a relation", func(s em.Strategy) error {
				_, err := em.Find[Book](ctx, m, qb.Cond{"author.nmae": "ann"}, em.WithStrategy(s), em.Populate("tags"))
				return err
			}, nil, &propErr{"Author", "nmae"}},
			{"QB with an order typo", func(em.Strategy) error {
				_, err := em.QB[Book](m).Populate("tags").OrderBy("tilte", qb.Asc).All(ctx)
				return err
			}, nil, &propErr{"Book", "tilte"}},
			{"QB with a populate typo", func(em.Strategy) error {
				_, err := em.QB[Book](m).Populate("tgas").One(ctx)
				return err
			}, &pathErr{"Book", "tgas"}, nil},
			{"FindOne on an identity-map hit, PopulateWhere typo", func(s em.Strategy) error {
				_, err := em.FindOne[Author](ctx, m, id, em.WithStrategy(s), em.Populate("books"),
					em.PopulateWhere("bokos", qb.Cond{"title": "b1"}))
				return err
			}, &pathErr{"Author", "bokos"}, nil},
			{"FindOne on an identity-map hit, PopulateWhere property typo", func(s em.Strategy) error {
				_, err := em.FindOne[Author](ctx, m, id, em.WithStrategy(s), em.Populate("books"),
					em.PopulateWhere("books", qb.Cond{"tilte": "b1"}))
				return err
			}, nil, &propErr{"Book", "tilte"}},
			{"FindOne on an identity-map hit, order typo", func(s em.Strategy) error {
				_, err := em.FindOne[Author](ctx, m, id, em.WithStrategy(s), em.OrderBy("nmae", qb.Asc))
				return err
			}, nil, &propErr{"Author", "nmae"}},
			{"FindOne on an identity-map hit, populate typo", func(s em.Strategy) error {
				_, err := em.FindOne[Author](ctx, m, id, em.WithStrategy(s), em.Populate("bokos"))
				return err
			}, &pathErr{"Author", "bokos"}, nil},
		}
		for _, s := range []em.Strategy{em.SelectIn, em.Joined} {
			for _, c := range cases {
				mark := e.rec.mark()
				err := c.run(s)
				name := c.name + map[em.Strategy]string{em.SelectIn: " (select-in)", em.Joined: " (joined)"}[s]
				if got := e.rec.since(mark); len(got) != 0 {
					t.Errorf("%s ran %q", name, got)
				}
				switch {
				case c.path != nil:
					var pe *em.PathError
					if !errors.Is(err, unitorm.ErrUnknownPath) || !errors.As(err, &pe) {
						t.Errorf("%s: %v, want a *PathError (ErrUnknownPath)", name, err)
						continue
					}
					if pe.Entity != c.path.entity || pe.Path != c.path.path {
						t.Errorf("%s: error names %s %q, want %s %q (%v)", name, pe.Entity, pe.Path, c.path.entity, c.path.path, err)
					}
					if msg := err.Error(); !strings.Contains(msg, c.path.entity) || !strings.Contains(msg, c.path.path) {
						t.Errorf("%s: message %q does not name the entity and path", name, msg)
					}
				case c.prop != nil:
					var pe *em.PropertyError
					if !errors.Is(err, unitorm.ErrUnknownProperty) || !errors.As(err, &pe) {
						t.Errorf("%s: %v, want a *PropertyError (ErrUnknownProperty)", name, err)
						continue
					}
					if pe.Entity != c.prop.entity || pe.Property != c.prop.prop {
						t.Errorf("%s: error names %s.%s, want %s.%s (%v)", name, pe.Entity, pe.Property, c.prop.entity, c.prop.prop, err)
					}
				}
			}
		}

		// m.Populate checks its paths before loading anything.
		authors, err := em.FindAll[Author](ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		mark := e.rec.mark()
		var pe *em.PathError
		if err := m.Populate(ctx, authors, "books", "bokos"); !errors.As(err, &pe) || pe.Entity != "Author" {
			t.Errorf("m.Populate with a typo: %v, want a *PathError naming Author", err)
		}
		if got := e.rec.since(mark); len(got) != 0 {
			t.Errorf("m.Populate with a typo ran %q", got)
		}
		// Valid options on a nested path still filter.
		m2 := e.fork()
		as, err := em.Find[Author](ctx, m2, qb.Cond{"id": id}, em.Populate("books.tags"),
			em.PopulateWhere("books.tags", qb.Cond{"name": "go"}), em.PopulateOrderBy("books", "title", qb.Desc))
		if err != nil || len(as) != 1 {
			t.Fatalf("valid nested populate options: %v, %v", as, err)
		}
		books, _ := as[0].Books.Items()
		if len(books) != 2 || books[0].Title != "b2" {
			t.Fatalf("books %v, want b2, b1", books)
		}
		for _, b := range books {
			if tags, _ := b.Tags.Items(); len(tags) != 1 || tags[0].Name != "go" {
				t.Errorf("tags of %s filtered to %v, want [go]", b.Title, tags)
			}
		}
	})
}

// TestFindOneJoinedOnIdentityMapHit: the strategy asked for is the one
// used, also when the root entity is already in the identity map: joined
// loads the missing relations with one JOIN query (select-in with one
// query per level), and nothing when everything is loaded. The root row
// read again does not overwrite unflushed changes.
func TestFindOneJoinedOnIdentityMapHit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		id := seedLibrary(t, e)

		m := e.fork()
		a, err := em.FindOneOrFail[Author](ctx, m, id)
		if err != nil {
			t.Fatal(err)
		}
		a.Name = "changed, not flushed"
		mark := e.rec.mark()
		got, err := em.FindOne[Author](ctx, m, id, em.Populate("books.tags"), em.WithStrategy(em.Joined))
		if err != nil {
			t.Fatal(err)
		}
		ran := e.rec.since(mark)
		if len(ran) != 1 || !containsFold(ran[0], " JOIN ") || !containsFold(ran[0], "book_tags") {
			t.Fatalf("joined FindOne on an identity-map hit ran %q, want one query joining books and tags", ran)
		}
		if got != a {
			t.Fatal("FindOne returned another instance than the identity map's")
		}
		if a.Name != "changed, not flushed" || !m.IsDirty(a) {
			t.Errorf("the unflushed change was overwritten: name %q", a.Name)
		}
		books, err := a.Books.Items()
		if err != nil || len(books) != 2 {
			t.Fatalf("books: %v, %v", books, err)
		}
		for _, b := range books {
			if tags, err := b.Tags.Items(); err != nil || len(tags) != 2 {
				t.Errorf("tags of %s: %v, %v", b.Title, tags, err)
			}
		}
		mark = e.rec.mark()
		if _, err := em.FindOne[Author](ctx, m, id, em.Populate("books.tags"), em.WithStrategy(em.Joined)); err != nil {
			t.Fatal(err)
		}
		if ran := e.rec.since(mark); len(ran) != 0 {
			t.Errorf("joined FindOne with everything loaded ran %q", ran)
		}

		// Books loaded, tags not: one joined query still.
		m = e.fork()
		a, err = em.FindOneOrFail[Author](ctx, m, id, em.Populate("books"))
		if err != nil {
			t.Fatal(err)
		}
		mark = e.rec.mark()
		if _, err := em.FindOne[Author](ctx, m, id, em.Populate("books.tags"), em.WithStrategy(em.Joined)); err != nil {
			t.Fatal(err)
		}
		if ran := e.rec.since(mark); len(ran) != 1 || !containsFold(ran[0], " JOIN ") {
			t.Errorf("joined FindOne with the tags missing ran %q, want one JOIN query", ran)
		}
		books, _ = a.Books.Items()
		for _, b := range books {
			if tags, err := b.Tags.Items(); err != nil || len(tags) != 2 {
				t.Errorf("tags of %s: %v, %v", b.Title, tags, err)
			}
		}

		// The identity map's answer stands when the row is gone by now.
		ids := seedAuthors(t, e, "gone")
		m = e.fork()
		g, err := em.FindOneOrFail[Author](ctx, m, ids["gone"])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := em.NativeDelete[Author](ctx, e.fork(), qb.Cond{"id": ids["gone"]}); err != nil {
			t.Fatal(err)
		}
		mark = e.rec.mark()
		if got, err := em.FindOne[Author](ctx, m, ids["gone"], em.Populate("books"), em.WithStrategy(em.Joined)); err != nil || got != g {
			t.Errorf("joined FindOne on a hit whose row is gone: %v, %v; want the identity map's instance", got, err)
		}
		if ran := e.rec.since(mark); len(ran) != 1 {
			t.Errorf("joined FindOne on a hit whose row is gone ran %q", ran)
		}

		// Select-in on a hit: one query per missing level, no join.
		m = e.fork()
		if _, err := em.FindOneOrFail[Author](ctx, m, id); err != nil {
			t.Fatal(err)
		}
		mark = e.rec.mark()
		if _, err := em.FindOne[Author](ctx, m, id, em.Populate("books.tags")); err != nil {
			t.Fatal(err)
		}
		ran = e.rec.since(mark)
		equalStrings(t, "select-in FindOne on an identity-map hit", shapes(ran), []string{"SELECT book", "SELECT tag"})
		for _, s := range ran {
			if containsFold(s, "e0.author_id = ") || containsFold(s, " JOIN author") {
				t.Errorf("select-in re-read the root: %q", s)
			}
		}
	})
}
