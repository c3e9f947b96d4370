package emsuite

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// The quickstart's model (examples/quickstart), with its table names.

type QSAuthor struct {
	ID      int64  `orm:"pk"`
	Name    string `orm:"length=100"`
	Email   string `orm:"unique"`
	Born    *time.Time
	Books   unitorm.Collection[*QSBook] `orm:"1:m,mappedBy=Author"`
	Version int                         `orm:"version"`
}

func (QSAuthor) TableName() string { return "author" }

type QSPublisher struct {
	ID   int64 `orm:"pk"`
	Name string
}

func (QSPublisher) TableName() string { return "publisher" }

type QSBook struct {
	ID        int64 `orm:"pk"`
	Title     string
	Price     float64
	Author    *QSAuthor                  `orm:"m:1"`
	Publisher *QSPublisher               `orm:"m:1,nullable"`
	Tags      unitorm.Collection[*QSTag] `orm:"m:n"`
}

func (QSBook) TableName() string { return "book" }

type QSTag struct {
	ID   int64 `orm:"pk"`
	Name string
}

func (QSTag) TableName() string { return "tag" }

// quickstart runs the scenario of examples/quickstart on e and returns the
// statements of each phase.
func quickstart(t *testing.T, e *env) map[string][]string {
	t.Helper()
	ctx := context.Background()
	phases := map[string][]string{}
	mark, phase := e.rec.mark(), ""
	step := func(next string) {
		if phase != "" {
			phases[phase] = e.rec.since(mark)
		}
		phase, mark = next, e.rec.mark()
	}

	step("persist")
	m := e.fork()
	author := &QSAuthor{Name: "Jon Snow", Email: "snow@wall.st"}
	publisher := &QSPublisher{Name: "Night's Watch Press"}
	for _, title := range []string{"My Life on the Wall", "Winter Is Coming", "Knowing Nothing"} {
		if err := m.Persist(&QSBook{Title: title, Price: 15, Author: author, Publisher: publisher}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if author.ID == 0 || publisher.ID == 0 || author.Version != 1 {
		t.Errorf("after the first flush author %d v%d, publisher %d", author.ID, author.Version, publisher.ID)
	}

	step("load")
	m = e.fork()
	a, err := em.FindOneOrFail[QSAuthor](ctx, m, qb.Cond{"email": "snow@wall.st"}, em.Populate("books"))
	if err != nil {
		t.Fatal(err)
	}
	books, err := a.Books.Items()
	if err != nil || len(books) != 3 {
		t.Fatalf("author has %d books (%v), want 3", len(books), err)
	}

	step("find by key")
	again, err := em.FindOne[QSAuthor](ctx, m, a.ID)
	if err != nil || again != a {
		t.Fatalf("FindOne by key: %p, %v; want %p", again, err, a)
	}

	step("change")
	books[0].Title = "My Life on the Wall, Part 2"
	a.Email = "jon@castle-black.st"
	a.Books.Add(&QSBook{Title: "The Long Night", Price: 20})
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if a.Version != 2 {
		t.Errorf("author version %d after the update, want 2", a.Version)
	}

	step("no changes")
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	step("")
	return phases
}

// TestQuickstartStatements checks every statement of the quickstart, in
// order, on each backend: ordered inserts batched per table, only the
// changed columns in updates, one transaction per flush, nothing for a
// managed FindOne by key or a flush without changes.
func TestQuickstartStatements(t *testing.T) {
	forEachBackendWith(t, func(c *unitorm.Config) {
		c.Entities = []any{QSAuthor{}, QSPublisher{}, QSBook{}, QSTag{}}
	}, func(t *testing.T, e *env) {
		phases := quickstart(t, e)
		ret := func(col string) string {
			if e.returning() {
				return " RETURNING " + col
			}
			return ""
		}
		want := map[string][]string{
			"persist": {
				"BEGIN",
				"INSERT INTO author (name, email, born, version) VALUES (?, ?, ?, ?)" + ret("id"),
				"INSERT INTO publisher (name) VALUES (?)" + ret("id"),
				"INSERT INTO book (title, price, author_id, publisher_id) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)" + ret("id"),
				"COMMIT",
			},
			"load": {
				"SELECT e0.id, e0.name, e0.email, e0.born, e0.version FROM author AS e0 WHERE e0.email = ? LIMIT 1",
				"SELECT e0.id, e0.title, e0.price, e0.author_id, e0.publisher_id FROM book AS e0 WHERE e0.author_id IN (?) ORDER BY e0.id ASC",
			},
			"find by key": nil,
			"change": {
				"BEGIN",
				"INSERT INTO book (title, price, author_id, publisher_id) VALUES (?, ?, ?, ?)" + ret("id"),
				"UPDATE author SET email = ?, version = version + ? WHERE id = ? AND version = ?",
				"UPDATE book SET title = ? WHERE id = ?",
				"COMMIT",
			},
			"no changes": nil,
		}
		for _, p := range []string{"persist", "load", "find by key", "change", "no changes"} {
			got := make([]string, len(phases[p]))
			for i, s := range phases[p] {
				got[i] = norm(s)
			}
			equalStrings(t, fmt.Sprintf("phase %q", p), got, want[p])
		}
		if n := len(phases); n != 5 {
			t.Errorf("%d phases recorded: %v", n, strings.Join(keys(phases), ", "))
		}
	})
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
