package emsuite

import (
	"context"
	"testing"
	"time"

	"github.com/unitorm/unitorm/em"
)

// TestUpdateCarriesOnlyChangedColumns: one changed property → an UPDATE
// setting that column (and the version); nothing else.
func TestUpdateCarriesOnlyChangedColumns(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ids := seedAuthors(t, e, "ann")
		m := e.fork()
		a, err := em.FindOneOrFail[Author](ctx, m, ids["ann"])
		if err != nil {
			t.Fatal(err)
		}
		a.Age = 31
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		stmts := e.rec.since(mark)
		// One statement is atomic on its own: no BEGIN/COMMIT around it.
		equalStrings(t, "update", shapes(stmts), []string{"UPDATE author SET age,version"})
		if got := norm(stmts[0]); len(stmts) == 1 && got != "UPDATE author SET age = ?, version = version + ? WHERE id = ? AND version = ?" {
			t.Errorf("update SQL %q", got)
		}
	})
}

// TestZeroValuesAreWritten: a change to 0, "", false or nil is a change
// and is written (GORM's trap); the row read back has the zero value.
func TestZeroValuesAreWritten(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		born := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
		cases := []struct {
			name   string
			col    string
			change func(a *Author)
			check  func(a *Author) bool
		}{
			{"int to 0", "age", func(a *Author) { a.Age = 0 }, func(a *Author) bool { return a.Age == 0 }},
			{"string to empty", "name", func(a *Author) { a.Name = "" }, func(a *Author) bool { return a.Name == "" }},
			{"bool to false", "active", func(a *Author) { a.Active = false }, func(a *Author) bool { return !a.Active }},
			{"pointer to nil", "nickname", func(a *Author) { a.Nickname = nil }, func(a *Author) bool { return a.Nickname == nil }},
			{"time pointer to nil", "born", func(a *Author) { a.Born = nil }, func(a *Author) bool { return a.Born == nil }},
			{"relation to nil", "favourite_book_id", func(a *Author) { a.FavouriteBook = nil }, func(a *Author) bool { return a.FavouriteBook == nil }},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				m := e.fork()
				a := &Author{Name: "zed", Email: "zed" + itoa(i) + "@x", Age: 40, Active: true, Nickname: ptr("z"), Born: &born}
				a.FavouriteBook = &Book{Title: "fav", Author: a}
				if err := persistFlush(ctx, m, a); err != nil {
					t.Fatal(err)
				}
				tc.change(a)
				mark := e.rec.mark()
				if err := m.Flush(ctx); err != nil {
					t.Fatal(err)
				}
				equalStrings(t, "flush", shapes(e.rec.since(mark)), []string{"UPDATE author SET " + tc.col + ",version"})
				got, err := em.FindOneOrFail[Author](ctx, e.fork(), a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !tc.check(got) {
					t.Errorf("row read back: %+v", got)
				}
			})
		}
	})
}

// TestNoChangesNoStatement: a flush with nothing to write runs no statement
// and opens no transaction — right after a load, after a flush, and after a
// change that was undone before flushing.
func TestNoChangesNoStatement(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ids := seedAuthors(t, e, "ann", "bob")
		m := e.fork()
		as, err := em.FindAll[Author](ctx, m, em.Populate("books"))
		if err != nil {
			t.Fatal(err)
		}
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		was := as[0].Name
		as[0].Name = "changed"
		as[0].Name = was
		as[1].Nickname = ptr("x")
		as[1].Nickname = nil
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		a, err := em.FindOneOrFail[Author](ctx, m, ids["ann"])
		if err != nil {
			t.Fatal(err)
		}
		orig := a.Name
		a.Name = "x"
		a.Name = orig
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got := e.rec.since(mark); len(got) != 0 {
			t.Errorf("flushes without changes ran %q", got)
		}
		if m.IsDirty(a) {
			t.Error("an entity whose change was undone is dirty")
		}
	})
}

// TestBatchedUpdates: several entities changing the same columns are
// written by one UPDATE (CASE per column), whatever the column types.
func TestBatchedUpdates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.fork()
		born := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		var as []*Author
		for i := range 4 {
			a := &Author{Name: "n" + itoa(i), Email: "b" + itoa(i) + "@x", Age: i, Active: i%2 == 0}
			as = append(as, a)
		}
		book := &Book{Title: "fav", Author: as[0]}
		if err := persistFlush(ctx, m, as[0], as[1], as[2], as[3], book); err != nil {
			t.Fatal(err)
		}
		for i, a := range as {
			a.Name = "renamed " + itoa(i)
			a.Age = 100 + i
			a.Active = i%2 == 1
			a.Nickname = ptr("nick " + itoa(i))
			a.Born = &born
			a.FavouriteBook = book
		}
		mark := e.rec.mark()
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		equalStrings(t, "batched update", shapes(e.rec.since(mark)), []string{
			"BEGIN", "UPDATE author SET name,age,active,nickname,born,favourite_book_id,version", "COMMIT"})
		check := e.fork()
		for i, a := range as {
			got, err := em.FindOneOrFail[Author](ctx, check, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != a.Name || got.Age != a.Age || got.Active != a.Active || got.Nickname == nil || *got.Nickname != *a.Nickname ||
				got.Born == nil || !got.Born.Equal(born) || got.FavouriteBook == nil || got.FavouriteBook.ID != book.ID || got.Version != 2 {
				t.Errorf("author %d read back %+v, want %+v", i, got, a)
			}
		}
	})
}

func itoa(i int) string { return string(rune('0'+i/10%10)) + string(rune('0'+i%10)) }
