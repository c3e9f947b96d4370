// Command quickstart shows unitorm on embedded SQLite, no server needed:
// schema creation, a Unit of Work flush with cascades, loading with
// populate, change tracking, and the query builder on its own. It prints
// every SQL statement as it runs.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// Author writes books.
type Author struct {
	ID      int64  `orm:"pk"`
	Name    string `orm:"length=100"`
	Email   string `orm:"unique"`
	Born    *time.Time
	Books   unitorm.Collection[*Book] `orm:"1:m,mappedBy=Author"`
	Version int                       `orm:"version"`
}

// Publisher publishes books.
type Publisher struct {
	ID   int64 `orm:"pk"`
	Name string
}

// Book is written by an author and published by a publisher.
type Book struct {
	ID        int64 `orm:"pk"`
	Title     string
	Price     float64
	Author    *Author                  `orm:"m:1"`
	Publisher *Publisher               `orm:"m:1,nullable"`
	Tags      unitorm.Collection[*Tag] `orm:"m:n"`
}

// Tag labels books.
type Tag struct {
	ID   int64 `orm:"pk"`
	Name string
}

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// run is the scenario; quickstart_test.go checks the statements it runs.
func run(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "unitorm-quickstart")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	_, err = scenario(ctx, "file:"+filepath.Join(dir, "app.db"), func(s string) { fmt.Println(s) })
	return err
}

// scenario runs the quickstart on the SQLite database at dsn, reporting
// each statement through say, and returns the statements of each phase.
func scenario(ctx context.Context, dsn string, say func(string)) (map[string][]string, error) {
	phases := map[string][]string{}
	phase := ""
	orm, err := unitorm.Open(ctx, sqlite.Open(dsn), unitorm.Config{
		Entities: []any{Author{}, Publisher{}, Book{}, Tag{}},
		OnQuery: func(ev unitorm.QueryEvent) {
			phases[phase] = append(phases[phase], ev.SQL)
			say("    " + ev.SQL)
		},
	})
	if err != nil {
		return nil, err
	}
	defer orm.Close()

	step := func(name string) { phase = name; say("\n== " + name) }

	step("create schema")
	if err := orm.CreateSchema(ctx); err != nil {
		return nil, err
	}

	step("persist three books; author and publisher cascade")
	m := orm.Fork()
	author := &Author{Name: "Jon Snow", Email: "snow@wall.st"}
	publisher := &Publisher{Name: "Night's Watch Press"}
	for _, title := range []string{"My Life on the Wall", "Winter Is Coming", "Knowing Nothing"} {
		if err := m.Persist(&Book{Title: title, Price: 15, Author: author, Publisher: publisher}); err != nil {
			return nil, err
		}
	}
	if err := m.Flush(ctx); err != nil {
		return nil, err
	}
	say(fmt.Sprintf("    -> author id %d, version %d", author.ID, author.Version))

	step("load the author with books in a new EntityManager")
	m = orm.Fork()
	a, err := em.FindOneOrFail[Author](ctx, m, qb.Cond{"email": "snow@wall.st"}, em.Populate("books"))
	if err != nil {
		return nil, err
	}
	books, err := a.Books.Items()
	if err != nil {
		return nil, err
	}
	say(fmt.Sprintf("    -> %s has %d books", a.Name, len(books)))

	step("FindOne by primary key of a managed entity: no query")
	again, err := em.FindOne[Author](ctx, m, a.ID)
	if err != nil {
		return nil, err
	}
	say(fmt.Sprintf("    -> same instance: %v", again == a))

	step("change a title and the email, add a book, flush")
	books[0].Title = "My Life on the Wall, Part 2"
	a.Email = "jon@castle-black.st"
	a.Books.Add(&Book{Title: "The Long Night", Price: 20})
	if err := m.Flush(ctx); err != nil {
		return nil, err
	}
	say(fmt.Sprintf("    -> author version %d", a.Version))

	step("flush with no changes: nothing runs")
	if err := m.Flush(ctx); err != nil {
		return nil, err
	}

	step("query builder without entities")
	var rows []struct {
		Title  string `db:"title"`
		Author string `db:"name"`
	}
	q := qb.Select("b.title", "a.name").From("book", "b").
		LeftJoin("author a", "a.id = b.author_id").
		Where(qb.Cond{"b.title": qb.Like("%Wall%")}).
		OrderBy("b.title", qb.Desc).Limit(5)
	if err := q.Scan(ctx, orm.SQL(), &rows); err != nil {
		return nil, err
	}
	for _, r := range rows {
		say(fmt.Sprintf("    -> %s by %s", r.Title, r.Author))
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("quickstart: the query found nothing")
	}
	say("\n" + strings.Repeat("-", 40) + "\ndone")
	return phases, nil
}
