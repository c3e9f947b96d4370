package populatesuite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/populate"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/qb"
)

type Author struct {
	ID    int64 `orm:"pk"`
	Name  string
	Books unitorm.Collection[*Book] `orm:"1:m,mappedBy=Author"`
}

type Book struct {
	ID     int64 `orm:"pk"`
	Title  string
	Author *Author                  `orm:"m:1"`
	Tags   unitorm.Collection[*Tag] `orm:"m:n"`
}

type Tag struct {
	ID    int64 `orm:"pk"`
	Name  string
	Books unitorm.Collection[*Book] `orm:"m:n,mappedBy=Tags"`
	Loads int                       `orm:"-"` // OnLoad calls
}

func (t *Tag) OnLoad(context.Context) error { t.Loads++; return nil }

// counter counts the statements an ORM runs.
type counter struct {
	mu  sync.Mutex
	sql []string
}

func (c *counter) on(ev unitorm.QueryEvent) {
	c.mu.Lock()
	c.sql = append(c.sql, ev.SQL)
	c.mu.Unlock()
}

func (c *counter) since(n int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.sql[n:]...)
}

func (c *counter) n() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sql)
}

// eachBackend runs fn on every SQL backend with a fresh schema of the model.
func eachBackend(t *testing.T, fn func(t *testing.T, orm *unitorm.ORM, c *counter)) {
	for _, b := range testkit.SQLBackends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c := &counter{}
			conn, err := driver.Open(b.Driver(), testkit.DSN(t, b))
			if err != nil {
				t.Fatal(err)
			}
			orm, err := unitorm.Open(ctx, conn, unitorm.Config{
				Entities: []any{Author{}, Book{}, Tag{}}, OnQuery: c.on})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { orm.Close() })
			if err := orm.CreateSchema(ctx); err != nil {
				t.Fatal(err)
			}
			fn(t, orm, c)
		})
	}
}

// seed writes authors × booksPer books, each book tagged with tagsPer of 7 tags.
func seed(t *testing.T, orm *unitorm.ORM, authors, booksPer, tagsPer int) {
	t.Helper()
	m := orm.Fork()
	tags := make([]*Tag, 7)
	for i := range tags {
		tags[i] = &Tag{Name: fmt.Sprintf("tag-%d", i)}
	}
	for a := 0; a < authors; a++ {
		au := &Author{Name: fmt.Sprintf("author-%03d", a)}
		for b := 0; b < booksPer; b++ {
			bk := &Book{Title: fmt.Sprintf("book-%03d-%d", a, b), Author: au}
			for k := 0; k < tagsPer; k++ {
				bk.Tags.Add(tags[(a+b+k)%len(tags)])
			}
			if err := m.Persist(bk); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := m.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// graph renders what books reach through author.books.tags, for comparing
// the strategies.
func graph(t *testing.T, books []*Book) string {
	t.Helper()
	var lines []string
	for _, b := range books {
		if b.Author == nil {
			t.Fatalf("book %s has no author", b.Title)
		}
		siblings, err := b.Author.Books.Items()
		if err != nil {
			t.Fatalf("author.books of %s: %v", b.Title, err)
		}
		var parts []string
		for _, s := range siblings {
			tags, err := s.Tags.Items()
			if err != nil {
				t.Fatalf("tags of %s: %v", s.Title, err)
			}
			var names []string
			for _, tg := range tags {
				names = append(names, tg.Name)
			}
			slices.Sort(names)
			parts = append(parts, s.Title+"["+strings.Join(names, ",")+"]")
		}
		slices.Sort(parts)
		lines = append(lines, b.Title+" <- "+b.Author.Name+": "+strings.Join(parts, " "))
	}
	return strings.Join(lines, "\n")
}

func TestPopulateAuthorBooksTags(t *testing.T) {
	eachBackend(t, func(t *testing.T, orm *unitorm.ORM, c *counter) {
		ctx := context.Background()
		seed(t, orm, 100, 2, 3)

		m := orm.Fork()
		n := c.n()
		selectIn, err := em.Find[Book](ctx, m, nil, em.Populate("author.books.tags"), em.OrderBy("id", qb.Asc))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.since(n); len(got) != 4 {
			t.Fatalf("select-in ran %d queries, want 4:\n%s", len(got), strings.Join(got, "\n"))
		}
		if len(selectIn) != 200 {
			t.Fatalf("%d books, want 200", len(selectIn))
		}

		m2 := orm.Fork()
		n = c.n()
		joined, err := em.Find[Book](ctx, m2, nil, em.Populate("author.books.tags"), em.OrderBy("id", qb.Asc), em.WithStrategy(em.Joined))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.since(n); len(got) != 1 {
			t.Fatalf("joined ran %d queries, want 1:\n%s", len(got), strings.Join(got, "\n"))
		} else if terms := orderTerms(got[0]); len(terms) != len(uniq(terms)) {
			t.Errorf("joined query orders by a column twice: %q", terms)
		}
		if g1, g2 := graph(t, selectIn), graph(t, joined); g1 != g2 {
			t.Fatalf("graphs differ:\nselect-in:\n%.2000s\njoined:\n%.2000s", g1, g2)
		}

		// The same row reached by two paths is one pointer: the book is in
		// its own author's books.
		for _, books := range [][]*Book{selectIn, joined} {
			b := books[0]
			siblings, _ := b.Author.Books.Items()
			if !slices.Contains(siblings, b) {
				t.Fatalf("book %s is not among its author's books as the same pointer", b.Title)
			}
			tags, _ := b.Tags.Items()
			other := siblings[1]
			otherTags, _ := other.Tags.Items()
			for _, x := range tags {
				for _, y := range otherTags {
					if x.Name == y.Name && x != y {
						t.Fatalf("tag %s loaded twice as different pointers", x.Name)
					}
				}
			}
		}
	})
}

func TestPopulateSkipsLoadedLevel(t *testing.T) {
	eachBackend(t, func(t *testing.T, orm *unitorm.ORM, c *counter) {
		ctx := context.Background()
		seed(t, orm, 20, 2, 1)

		fresh := orm.Fork()
		books, err := em.FindAll[Book](ctx, fresh)
		_ = books
		if err != nil {
			t.Fatal(err)
		}
		n := c.n()
		if err := fresh.Populate(ctx, books, "author.books"); err != nil {
			t.Fatal(err)
		}
		full := len(c.since(n))

		m := orm.Fork()
		books, err = em.FindAll[Book](ctx, m, em.Populate("author"))
		if err != nil {
			t.Fatal(err)
		}
		n = c.n()
		if err := m.Populate(ctx, books, "author.books"); err != nil {
			t.Fatal(err)
		}
		if got := len(c.since(n)); full != 2 || got != full-1 {
			t.Fatalf("populate with the first level loaded ran %d queries, from scratch %d; want 1 and 2", got, full)
		}
		// Everything loaded: no query at all.
		n = c.n()
		if err := m.Populate(ctx, books, "author.books"); err != nil {
			t.Fatal(err)
		}
		if got := c.since(n); len(got) != 0 {
			t.Fatalf("populating loaded relations ran %v", got)
		}
	})
}

func TestPopulateErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, orm *unitorm.ORM, c *counter) {
		ctx := context.Background()
		seed(t, orm, 2, 1, 1)
		m := orm.Fork()
		n := c.n()
		_, err := em.Find[Book](ctx, m, nil, em.Populate("author.nope"))
		if !errors.Is(err, populate.ErrUnknownPath) || !strings.Contains(err.Error(), "Author") || !strings.Contains(err.Error(), "author.nope") {
			t.Fatalf("unknown path: err = %v", err)
		}
		if got := c.since(n); len(got) != 0 {
			t.Fatalf("an unknown path ran queries: %v", got)
		}
		books, err := em.FindAll[Book](ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := books[0].Tags.Items(); !errors.Is(err, unitorm.ErrNotInitialized) {
			t.Fatalf("reading an unloaded collection: err = %v", err)
		}
		if _, err := books[0].Tags.Len(); !errors.Is(err, unitorm.ErrNotInitialized) {
			t.Fatalf("Len of an unloaded collection: err = %v", err)
		}
	})
}

func TestJoinedLimitCountsRoots(t *testing.T) {
	eachBackend(t, func(t *testing.T, orm *unitorm.ORM, c *counter) {
		ctx := context.Background()
		seed(t, orm, 30, 4, 2)
		m := orm.Fork()
		n := c.n()
		authors, err := em.Find[Author](ctx, m, nil, em.Populate("books.tags"), em.WithStrategy(em.Joined),
			em.OrderBy("name", qb.Desc), em.Limit(10), em.Offset(5))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.since(n); len(got) != 1 {
			t.Fatalf("ran %d queries, want 1", len(got))
		}
		if len(authors) != 10 {
			t.Fatalf("%d authors, want 10", len(authors))
		}
		for i, a := range authors {
			if want := fmt.Sprintf("author-%03d", 24-i); a.Name != want {
				t.Fatalf("author %d is %s, want %s (order lost)", i, a.Name, want)
			}
			books, err := a.Books.Items()
			if err != nil || len(books) != 4 {
				t.Fatalf("%s has %d books (%v), want 4", a.Name, len(books), err)
			}
			for _, b := range books {
				if tags, err := b.Tags.Items(); err != nil || len(tags) != 2 {
					t.Fatalf("%s has %d tags (%v), want 2", b.Title, len(tags), err)
				}
			}
		}
	})
}

func TestPopulateWhereAndOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, orm *unitorm.ORM, c *counter) {
		ctx := context.Background()
		seed(t, orm, 3, 4, 1)
		for _, s := range []em.Strategy{em.SelectIn, em.Joined} {
			m := orm.Fork()
			authors, err := em.Find[Author](ctx, m, nil, em.WithStrategy(s), em.OrderBy("name", qb.Asc),
				em.Populate("books"), em.PopulateWhere("books", qb.Cond{"title": qb.Like("%-1")}),
				em.PopulateOrderBy("books", "title", qb.Desc))
			if err != nil {
				t.Fatal(err)
			}
			if len(authors) != 3 {
				t.Fatalf("strategy %d: the root was filtered: %d authors", s, len(authors))
			}
			books, _ := authors[0].Books.Items()
			if len(books) != 1 || books[0].Title != "book-000-1" {
				t.Fatalf("strategy %d: filtered books = %v", s, titles(books))
			}
			m = orm.Fork()
			authors, err = em.Find[Author](ctx, m, nil, em.WithStrategy(s), em.Populate("books"), em.PopulateOrderBy("books", "title", qb.Desc))
			if err != nil {
				t.Fatal(err)
			}
			books, _ = authors[0].Books.Items()
			if got := titles(books); !slices.IsSortedFunc(got, func(a, b string) int { return strings.Compare(b, a) }) || len(got) != 4 {
				t.Fatalf("strategy %d: ordered books = %v", s, got)
			}
		}
	})
}

func titles(books []*Book) []string {
	var out []string
	for _, b := range books {
		out = append(out, b.Title)
	}
	return out
}

// TestPopulateChunks70000Keys loads the authors of 70,000 books: IN lists
// are chunked under the parameter limit; on PostgreSQL one = ANY array
// parameter carries them all.
func TestPopulateChunks70000Keys(t *testing.T) {
	eachBackend(t, func(t *testing.T, orm *unitorm.ORM, c *counter) {
		ctx := context.Background()
		const n = 70000
		m := orm.Fork()
		for i := 0; i < n; i++ {
			if err := m.Persist(&Book{Title: fmt.Sprint(i), Author: &Author{Name: fmt.Sprint(i)}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		m = orm.Fork()
		books, err := em.FindAll[Book](ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		start := c.n()
		if err := m.Populate(ctx, books, "author"); err != nil {
			t.Fatal(err)
		}
		ran := c.since(start)
		if orm.Dialect().Has(dialect.ArrayParams) {
			// One array parameter carries every key: one query.
			if len(ran) != 1 || !strings.Contains(ran[0], "= ANY(") {
				t.Fatalf("70,000 keys loaded in %d queries, want one = ANY query: %.200q", len(ran), ran)
			}
		} else if len(ran) < 2 {
			t.Fatalf("70,000 keys loaded in %d query: not chunked", len(ran))
		}
		for _, b := range books {
			if !m.IsLoaded(b.Author) || b.Author.Name != b.Title {
				t.Fatalf("book %s: author not loaded (%q)", b.Title, b.Author.Name)
			}
		}
	})
}

func TestLoadedCollectionsFollowMovesAndDeletes(t *testing.T) {
	eachBackend(t, func(t *testing.T, orm *unitorm.ORM, c *counter) {
		ctx := context.Background()
		seed(t, orm, 2, 2, 2)
		m := orm.Fork()
		authors, err := em.FindAll[Author](ctx, m, em.OrderBy("name", qb.Asc), em.Populate("books.tags"))
		if err != nil {
			t.Fatal(err)
		}
		a0, a1 := authors[0], authors[1]
		books0, _ := a0.Books.Items()
		moved, gone := books0[0], books0[1]
		goneTags, _ := gone.Tags.Items()
		moved.Author = a1
		if err := m.Remove(gone); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := a0.Books.Len(); n != 0 {
			left, _ := a0.Books.Items()
			t.Errorf("the old author still lists %d books: %v (moved %s, gone %s)", n, titles(left), moved.Title, gone.Title)
		}
		books1, _ := a1.Books.Items()
		if len(books1) != 3 || !slices.Contains(books1, moved) {
			t.Errorf("the new author lists %v", titles(books1))
		}
		for _, tg := range goneTags {
			if tg.Books.IsInitialized() {
				if items, _ := tg.Books.Items(); slices.Contains(items, gone) {
					t.Errorf("tag %s still lists the deleted book", tg.Name)
				}
			}
		}
		if m.IsDirty(a0) || m.IsDirty(a1) {
			t.Error("syncing collections left pending changes")
		}
		n := c.n()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got := c.since(n); len(got) != 0 {
			t.Errorf("a second flush wrote %v", got)
		}
	})
}

// A populate filter's parameters fit beside a full IN list (SQLite's limit
// is 32,766 parameters).
func TestPopulateWhereChunksUnderTheLimit(t *testing.T) {
	ctx := context.Background()
	c := &counter{}
	orm, err := unitorm.Open(ctx, sqlite.Open(testkit.DSN(t, testkit.SQLite)), unitorm.Config{
		Entities: []any{Author{}, Book{}, Tag{}}, OnQuery: c.on})
	if err != nil {
		t.Fatal(err)
	}
	defer orm.Close()
	if err := orm.CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	m := orm.Fork()
	const n = 32800
	for i := 0; i < n; i++ {
		if err := m.Persist(&Book{Title: fmt.Sprint("t", i%2), Author: &Author{Name: fmt.Sprint(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	m = orm.Fork()
	authors, err := em.FindAll[Author](ctx, m, em.Populate("books"),
		em.PopulateWhere("books", qb.Cond{"title": qb.In("t0", "x", "y", "z")}))
	if err != nil {
		t.Fatal(err)
	}
	if len(authors) != n {
		t.Fatalf("%d authors", len(authors))
	}
	withBooks := 0
	for _, a := range authors {
		if k, _ := a.Books.Len(); k > 0 {
			withBooks++
		}
	}
	if withBooks != n/2 {
		t.Fatalf("%d authors with a t0 book, want %d", withBooks, n/2)
	}
}

// OnLoad hooks run once per loaded entity on both strategies, for populated
// entities too.
func TestOnLoadForPopulatedEntities(t *testing.T) {
	eachBackend(t, func(t *testing.T, orm *unitorm.ORM, c *counter) {
		ctx := context.Background()
		seed(t, orm, 3, 2, 2)
		for _, s := range []em.Strategy{em.SelectIn, em.Joined} {
			m := orm.Fork()
			books, err := em.FindAll[Book](ctx, m, em.Populate("tags"), em.WithStrategy(s))
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range books {
				tags, err := b.Tags.Items()
				if err != nil {
					t.Fatal(err)
				}
				for _, tg := range tags {
					if tg.Loads != 1 {
						t.Fatalf("strategy %d: tag %s loaded with %d OnLoad calls, want 1", s, tg.Name, tg.Loads)
					}
				}
			}
		}
	})
}

// orderTerms returns the columns of a query's last ORDER BY, without their
// directions.
func orderTerms(query string) []string {
	i := strings.LastIndex(query, "ORDER BY ")
	if i < 0 {
		return nil
	}
	var out []string
	for _, t := range strings.Split(query[i+len("ORDER BY "):], ",") {
		if f := strings.Fields(t); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
