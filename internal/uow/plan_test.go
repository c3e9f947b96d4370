package uow_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/rel"
)

// The model: Author ↔ Book is a cycle (FavouriteBook nullable); Cart.Items
// removes orphans.

type Author struct {
	ID            int64 `orm:"pk"`
	Name          string
	FavouriteBook *Book                 `orm:"m:1,nullable"`
	Books         rel.Collection[*Book] `orm:"1:m,mappedBy=Author"`
}

type Book struct {
	ID     int64 `orm:"pk"`
	Title  string
	Author *Author `orm:"m:1"`
}

type Cart struct {
	ID    int64                     `orm:"pk"`
	Items rel.Collection[*CartItem] `orm:"1:m,mappedBy=Cart,orphanRemoval"`
}

type CartItem struct {
	ID   int64 `orm:"pk"`
	Sku  string
	Cart *Cart `orm:"m:1"`
}

func newUoW(t *testing.T) *uow.UnitOfWork {
	t.Helper()
	reg := meta.NewRegistry()
	if err := reg.Register(Author{}, Book{}, Cart{}, CartItem{}); err != nil {
		t.Fatal(err)
	}
	return uow.New(reg)
}

// load makes obj (a *T with its key set) a loaded, managed entity, as a
// find would.
func load(t *testing.T, u *uow.UnitOfWork, obj any) {
	t.Helper()
	e, ptr, err := u.Resolve(obj)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Merge(e, ptr, false); err != nil {
		t.Fatal(err)
	}
}

// preview renders the plan of the pending changes on SQLite, without
// running it: one line per statement, its step first.
func preview(t *testing.T, u *uow.UnitOfWork) []string {
	t.Helper()
	ch, err := u.ComputeChanges()
	if err != nil {
		t.Fatal(err)
	}
	p, err := u.Plan(ch)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, step := range p.Steps {
		stmts, err := p.Statements(step, dialect.SQLite, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stmts {
			sql, _, err := st.Query.ToSQL(dialect.SQLite)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, step.Kind.String()+": "+strings.ReplaceAll(sql, `"`, ""))
		}
	}
	return out
}

func TestPlanOrder(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, u *uow.UnitOfWork)
		want  []string
	}{
		{
			name: "a cycle of new entities: NULL first, then a fix-up",
			setup: func(t *testing.T, u *uow.UnitOfWork) {
				a := &Author{Name: "ann"}
				b := &Book{Title: "own", Author: a}
				a.FavouriteBook = b
				if err := u.Persist(a); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{
				"insert: INSERT INTO author (name, favourite_book_id) VALUES (?, ?) RETURNING id",
				"insert: INSERT INTO book (title, author_id) VALUES (?, ?) RETURNING id",
				"fixup: UPDATE author SET favourite_book_id = ? WHERE id = ?",
			},
		},
		{
			name: "deleting both sides of a cycle: unlink, then children first",
			setup: func(t *testing.T, u *uow.UnitOfWork) {
				a := &Author{ID: 1, Name: "ann"}
				b := &Book{ID: 2, Title: "own", Author: a}
				a.FavouriteBook = b
				load(t, u, a)
				load(t, u, b)
				if err := u.Remove(a); err != nil {
					t.Fatal(err)
				}
				if err := u.Remove(b); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{
				"unlink: UPDATE author SET favourite_book_id = ? WHERE id = ?",
				"delete: DELETE FROM book WHERE id = ?",
				"delete: DELETE FROM author WHERE id = ?",
			},
		},
		{
			name: "deleting a book alone: no unlink of an author that stays",
			setup: func(t *testing.T, u *uow.UnitOfWork) {
				a := &Author{ID: 1, Name: "ann"}
				b := &Book{ID: 2, Title: "own", Author: a}
				load(t, u, a)
				load(t, u, b)
				if err := u.Remove(b); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"delete: DELETE FROM book WHERE id = ?"},
		},
		{
			name: "several rows changing one column: one UPDATE joined to a VALUES list by key",
			setup: func(t *testing.T, u *uow.UnitOfWork) {
				as := []*Author{{ID: 1, Name: "a"}, {ID: 2, Name: "b"}}
				for _, a := range as {
					load(t, u, a)
					a.Name += "!"
				}
			},
			want: []string{
				"update: UPDATE author SET name = v.column2 FROM (VALUES (?, ?), (?, ?)) AS v WHERE author.id = v.column1",
			},
		},
		{
			name: "a loaded child moved by its owning side keeps the new parent",
			setup: func(t *testing.T, u *uow.UnitOfWork) {
				ann, bob := &Author{ID: 1}, &Author{ID: 2}
				b := &Book{ID: 3, Author: ann}
				ann.Books.Hydrate([]*Book{b})
				bob.Books.Hydrate(nil)
				for _, x := range []any{ann, bob, b} {
					load(t, u, x)
				}
				b.Author = bob
			},
			want: []string{"update: UPDATE book SET author_id = ? WHERE id = ?"},
		},
		{
			name: "an item taken out of a loaded collection with orphanRemoval is deleted",
			setup: func(t *testing.T, u *uow.UnitOfWork) {
				c := &Cart{ID: 1}
				items := []*CartItem{{ID: 10, Sku: "a", Cart: c}, {ID: 11, Sku: "b", Cart: c}}
				c.Items.Hydrate(items)
				load(t, u, c)
				for _, it := range items {
					load(t, u, it)
				}
				c.Items.Remove(items[0])
			},
			want: []string{"delete: DELETE FROM cart_item WHERE id = ?"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := newUoW(t)
			tc.setup(t, u)
			if got := preview(t, u); !slices.Equal(got, tc.want) {
				t.Errorf("plan:\n got  %q\n want %q", got, tc.want)
			}
		})
	}
}

// TestInsertChunksUnderParameterLimit: one more row than fits under the
// dialect's limit makes two statements holding every row.
func TestInsertChunksUnderParameterLimit(t *testing.T) {
	saved := uow.PreparedChunkRows
	uow.PreparedChunkRows = 1 << 30 // one chunk per parameter limit
	defer func() { uow.PreparedChunkRows = saved }()
	u := newUoW(t)
	perStmt := dialect.SQLite.MaxParams() / 2 // book inserts bind title and author_id
	a := &Author{ID: 1}
	load(t, u, a)
	for range perStmt + 1 {
		if err := u.Persist(&Book{Title: "t", Author: a}); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := u.ComputeChanges()
	if err != nil {
		t.Fatal(err)
	}
	p, err := u.Plan(ch)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 1 {
		t.Fatalf("%d steps, want one insert", len(p.Steps))
	}
	stmts, err := p.Statements(p.Steps[0], dialect.SQLite, true)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, st := range stmts {
		_, args, err := st.Query.ToSQL(dialect.SQLite)
		if err != nil {
			t.Fatal(err)
		}
		if len(args) > dialect.SQLite.MaxParams() {
			t.Errorf("statement binds %d parameters, over %d", len(args), dialect.SQLite.MaxParams())
		}
		rows += len(st.Entries)
	}
	if len(stmts) != 2 || rows != perStmt+1 {
		t.Errorf("%d statements for %d rows, want 2 for %d", len(stmts), rows, perStmt+1)
	}
}

// TestRollbackUndoesGeneratedKeys: keys written back by a failed flush are
// removed from the entities and the identity map.
func TestRollbackUndoesGeneratedKeys(t *testing.T) {
	u := newUoW(t)
	a := &Author{Name: "ann"}
	if err := u.Persist(a); err != nil {
		t.Fatal(err)
	}
	ch, err := u.ComputeChanges()
	if err != nil {
		t.Fatal(err)
	}
	p, err := u.Plan(ch)
	if err != nil {
		t.Fatal(err)
	}
	en, _ := u.EntryOf(a)
	if err := p.SetGeneratedKey(en, int64(7)); err != nil {
		t.Fatal(err)
	}
	e, _ := u.Registry().Entity(reflect.TypeFor[Author]())
	k, _ := uow.KeyFor(e, int64(7))
	if a.ID != 7 {
		t.Fatalf("key not written: %d", a.ID)
	}
	if _, ok := u.IdentityMap().Lookup(k); !ok {
		t.Fatal("entity not registered under its new key")
	}
	p.Rollback()
	if _, ok := u.IdentityMap().Lookup(k); ok || a.ID != 0 || en.State != uow.StateNew {
		t.Errorf("after Rollback: id %d, registered %v, state %v", a.ID, ok, en.State)
	}
}

// TestPersistValueError: a registered entity passed by value is
// ErrNotEntity, and the message says to pass a pointer without calling the
// type unregistered; an unregistered type says it is not registered.
func TestPersistValueError(t *testing.T) {
	u := newUoW(t)
	err := u.Persist(Author{})
	if !errors.Is(err, uow.ErrNotEntity) || strings.Contains(err.Error(), "not a registered") || !strings.Contains(err.Error(), "pass &v") {
		t.Errorf("Persist(Author{}) = %v: want ErrNotEntity saying to pass &v, not calling Author unregistered", err)
	}
	if err := u.Persist(&struct{ ID int }{}); !errors.Is(err, uow.ErrNotEntity) || !strings.Contains(err.Error(), "not a registered") {
		t.Errorf("Persist of an unregistered type = %v", err)
	}
}
