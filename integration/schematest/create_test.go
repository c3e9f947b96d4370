package schematest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/unitorm/unitorm/integration/harness"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/sqldb"
)

var modelTables = []string{"author", "book", "book_tags", "category", "edition", "publisher", "tag"}

// exec runs one statement with ? placeholders rebound for the database.
func exec(ctx context.Context, db *sqldb.DB, q string, args ...any) error {
	_, err := qb.Exec(ctx, db, qb.Raw(q, args...))
	return err
}

func mustExec(t *testing.T, ctx context.Context, db *sqldb.DB, q string, args ...any) {
	t.Helper()
	if err := exec(ctx, db, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// refused checks that the database refuses a statement with a constraint
// violation of the given kind.
func refused(t *testing.T, ctx context.Context, db *sqldb.DB, kind uow.ConstraintKind, q string, args ...any) {
	t.Helper()
	err := exec(ctx, db, q, args...)
	if err == nil {
		t.Errorf("%s: accepted, want a %s violation", q, kind)
		return
	}
	var ce *uow.ConstraintError
	if !errors.As(err, &ce) || ce.Kind != kind {
		t.Errorf("%s: got %v, want a %s violation", q, err, kind)
	}
}

func scalar[T any](t *testing.T, ctx context.Context, db *sqldb.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := qb.Scan(ctx, db, qb.Raw(q, args...), &v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func TestCreateConstraintsDrop(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	harness.ForEachSQL(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		if err := schema.Create(ctx, db, reg.Entities()); err != nil {
			t.Fatalf("create: %v", err)
		}
		tables, err := schema.ListTables(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tables, modelTables) {
			t.Fatalf("tables after create = %v, want %v", tables, modelTables)
		}
		// IfNotExists on an existing schema changes nothing and does not fail.
		if err := schema.Create(ctx, db, reg.Entities(), schema.IfNotExists()); err != nil {
			t.Fatalf("create if not exists: %v", err)
		}

		now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		// Rows that satisfy every constraint; defaults fill what is left out.
		// Auto-increment primary keys hand out ids.
		mustExec(t, ctx, db, `INSERT INTO publisher (name) VALUES ('Tor')`)
		mustExec(t, ctx, db, `INSERT INTO publisher (name) VALUES ('Bantam')`)
		pub := scalar[int64](t, ctx, db, `SELECT id FROM publisher WHERE name = 'Tor'`)
		if other := scalar[int64](t, ctx, db, `SELECT id FROM publisher WHERE name = 'Bantam'`); other == pub || pub == 0 {
			t.Errorf("auto-increment ids: Tor %d, Bantam %d", pub, other)
		}
		mustExec(t, ctx, db, `INSERT INTO author (id, name, email) VALUES (1, 'Jon', 'jon@wall.st')`)
		mustExec(t, ctx, db, `INSERT INTO author (id, name, email) VALUES (2, 'Arya', 'arya@winterfell.north')`)
		mustExec(t, ctx, db, `INSERT INTO book (id, title, code, price, created, author_id, publisher_id) VALUES (1, 'Wall', '0b5f0b6c-8a4e-4c1e-9f55-1d8bd2a2f3a1', 12.5, ?, 1, ?)`, now, pub)
		mustExec(t, ctx, db, `INSERT INTO book (id, title, code, created, author_id) VALUES (2, 'Needle', '7d1c3f3e-5b7a-4a43-8a0e-0a3c2f0d8e11', ?, 2)`, now)
		mustExec(t, ctx, db, `UPDATE author SET favourite_book_id = 1 WHERE id = 1`)
		mustExec(t, ctx, db, `INSERT INTO tag (id, name) VALUES (1, 'fantasy'), (2, 'north')`)
		mustExec(t, ctx, db, `INSERT INTO book_tags (book_id, tag_id) VALUES (1, 1), (1, 2), (2, 1)`)
		mustExec(t, ctx, db, `INSERT INTO category (id, name) VALUES (1, 'root')`)
		mustExec(t, ctx, db, `INSERT INTO category (id, name, parent_id) VALUES (2, 'child', 1)`)
		mustExec(t, ctx, db, `INSERT INTO edition (isbn, number, year) VALUES ('9780000000001', 1, 2001), ('9780000000001', 2, 2002)`)

		if got := scalar[string](t, ctx, db, `SELECT country FROM publisher WHERE id = ?`, pub); got != "NL" {
			t.Errorf("publisher.country default = %q, want NL", got)
		}
		if got := scalar[int64](t, ctx, db, `SELECT version FROM author WHERE id = 2`); got != 1 {
			t.Errorf("author.version default = %d, want 1", got)
		}
		if got := scalar[bool](t, ctx, db, `SELECT active FROM author WHERE id = 2`); !got {
			t.Errorf("author.active default = false, want true")
		}

		// Rows that violate a constraint are refused.
		refused(t, ctx, db, uow.UniqueConstraint, `INSERT INTO author (id, name, email) VALUES (3, 'Jon2', 'jon@wall.st')`)
		refused(t, ctx, db, uow.UniqueConstraint, `INSERT INTO publisher (name) VALUES ('Tor')`)
		refused(t, ctx, db, uow.UniqueConstraint, `INSERT INTO book (id, title, code, created, author_id) VALUES (3, 'Wall', 'c0000000-0000-0000-0000-000000000000', ?, 1)`, now)
		refused(t, ctx, db, uow.UniqueConstraint, `INSERT INTO book_tags (book_id, tag_id) VALUES (1, 1)`)
		refused(t, ctx, db, uow.UniqueConstraint, `INSERT INTO edition (isbn, number, year) VALUES ('9780000000001', 1, 2003)`)
		refused(t, ctx, db, uow.ForeignKeyConstraint, `INSERT INTO book (id, title, code, created, author_id) VALUES (4, 'Ghost', 'c0000000-0000-0000-0000-000000000001', ?, 99)`, now)
		refused(t, ctx, db, uow.ForeignKeyConstraint, `UPDATE author SET favourite_book_id = 99 WHERE id = 2`)
		refused(t, ctx, db, uow.ForeignKeyConstraint, `INSERT INTO book_tags (book_id, tag_id) VALUES (2, 99)`)
		refused(t, ctx, db, uow.ForeignKeyConstraint, `INSERT INTO category (id, name, parent_id) VALUES (3, 'orphan', 99)`)
		refused(t, ctx, db, uow.ForeignKeyConstraint, `DELETE FROM category WHERE id = 1`)
		refused(t, ctx, db, uow.NotNullConstraint, `INSERT INTO author (id, name, email) VALUES (4, NULL, 'x@y.z')`)
		refused(t, ctx, db, uow.NotNullConstraint, `INSERT INTO book (id, title, code, created, author_id) VALUES (5, 'No author', 'c0000000-0000-0000-0000-000000000002', ?, NULL)`, now)
		refused(t, ctx, db, uow.NotNullConstraint, `INSERT INTO book_tags (book_id, tag_id) VALUES (NULL, 1)`)

		// Referential actions: SET NULL and CASCADE.
		mustExec(t, ctx, db, `DELETE FROM publisher WHERE id = ?`, pub)
		if got := scalar[int64](t, ctx, db, `SELECT count(*) FROM book WHERE publisher_id IS NULL`); got != 2 {
			t.Errorf("books without publisher after delete = %d, want 2 (ON DELETE SET NULL)", got)
		}
		mustExec(t, ctx, db, `DELETE FROM book WHERE id = 1`)
		if got := scalar[int64](t, ctx, db, `SELECT count(*) FROM author WHERE favourite_book_id IS NULL`); got != 2 {
			t.Errorf("authors without favourite after deleting it = %d, want 2 (ON DELETE SET NULL)", got)
		}
		if got := scalar[int64](t, ctx, db, `SELECT count(*) FROM book_tags`); got != 1 {
			t.Errorf("pivot rows after deleting a book = %d, want 1 (ON DELETE CASCADE)", got)
		}
		mustExec(t, ctx, db, `DELETE FROM author WHERE id = 2`)
		if got := scalar[int64](t, ctx, db, `SELECT count(*) FROM book`); got != 0 {
			t.Errorf("books after deleting their author = %d, want 0 (ON DELETE CASCADE)", got)
		}

		// Drop with rows still in the cycle.
		mustExec(t, ctx, db, `INSERT INTO book (id, title, code, created, author_id) VALUES (6, 'Again', 'c0000000-0000-0000-0000-000000000006', ?, 1)`, now)
		mustExec(t, ctx, db, `UPDATE author SET favourite_book_id = 6 WHERE id = 1`)
		if err := schema.Drop(ctx, db, reg.Entities()); err != nil {
			t.Fatalf("drop: %v", err)
		}
		tables, err = schema.ListTables(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != 0 {
			t.Errorf("tables after drop = %v, want none", tables)
		}
		if err := schema.Drop(ctx, db, reg.Entities(), schema.IfExists()); err != nil {
			t.Errorf("drop if exists on an empty schema: %v", err)
		}
	})
}
