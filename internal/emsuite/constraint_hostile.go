package emsuite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/internal/uow"
)

// HostileUser and HostilePost are the model of the constraint tests with
// hostile values: a unique column, a foreign key, a NOT NULL pointer.
type HostileUser struct {
	ID     int64  `orm:"pk"`
	Handle string `orm:"unique"`
}

type HostilePost struct {
	ID     int64 `orm:"pk"`
	Title  string
	Owner  *HostileUser `orm:"m:1"`
	Weight *int         `orm:"notnull"`
}

// hostileHandles look like the fixed text of a backend's constraint
// message (MariaDB quotes the duplicate value unescaped before the key).
var hostileHandles = []string{
	"x' for key 'hostile_user_handle_fake",
	"x' for key 'hostile_user_handle_fake'",
	"a'' for key ''b",
	"' for key '",
	"'",
	"x' for key 'hostile_user.fake",
	"tick`s CONSTRAINT `evil` FOREIGN KEY (`x`) REFERENCES `y` (`z`)",
	"CONSTRAINT `evil` failed for `test`.`hostile_user`",
	"line1\nline2' for key 'nl_fake'\n",
	"\r\n' for key '\r\nfake",
	"ünïcødé 😀' for key 'emoji_fake",
	`back\slash\' for key \'fake`,
	`Key (handle)=(x) already exists. unique constraint "evil"`,
	"UNIQUE constraint failed: evil.col",
	strings.Repeat("😀", 100) + "' for key 'long_fake",
	strings.Repeat("a", 180) + "' for key 'long_fake'",
	strings.Repeat("' for key 'k", 20),
}

func hostileConfig(c *unitorm.Config) { c.Entities = []any{HostileUser{}, HostilePost{}} }

// asConstraint returns the *ConstraintError in err, failing the test if
// there is none.
func asConstraint(t *testing.T, err error) *unitorm.ConstraintError {
	t.Helper()
	var ce *unitorm.ConstraintError
	if !errors.As(err, &ce) {
		t.Fatalf("flush error %v (%T), want a *unitorm.ConstraintError", err, err)
	}
	return ce
}

// TestConstraintNameIgnoresHostileValues: a duplicate of a value that
// imitates the server's message reports the same kind, constraint, table
// and columns as a duplicate of a clean value, and writes nothing.
func TestConstraintNameIgnoresHostileValues(t *testing.T) {
	forEachBackendWith(t, hostileConfig, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := persistFlush(ctx, e.fork(), &HostileUser{Handle: "clean"}); err != nil {
			t.Fatal(err)
		}
		ref := asConstraint(t, persistFlush(ctx, e.fork(), &HostileUser{Handle: "clean"}))
		if ref.Kind != uow.UniqueConstraint {
			t.Fatalf("clean duplicate: kind %v, want unique", ref.Kind)
		}
		switch e.b {
		case testkit.SQLite: // SQLite names the table and columns, not the index
			if ref.Constraint != "" || ref.Table != "hostile_user" || !slices.Equal(ref.Columns, []string{"handle"}) {
				t.Fatalf("clean duplicate: %q on %s%v, want hostile_user[handle]", ref.Constraint, ref.Table, ref.Columns)
			}
		default:
			if ref.Constraint != "hostile_user_handle_unique" {
				t.Fatalf("clean duplicate: constraint %q, want hostile_user_handle_unique", ref.Constraint)
			}
		}
		rows := e.count(t, "hostile_user")
		for i, v := range hostileHandles {
			if err := persistFlush(ctx, e.fork(), &HostileUser{Handle: v}); err != nil {
				t.Fatalf("insert %q: %v", v, err)
			}
			rows++
			m := e.fork()
			ok, dup := &HostileUser{Handle: fmt.Sprint("fresh ", i)}, &HostileUser{Handle: v}
			ce := asConstraint(t, persistFlush(ctx, m, ok, dup))
			if ce.Kind != ref.Kind || ce.Constraint != ref.Constraint || ce.Table != ref.Table || !slices.Equal(ce.Columns, ref.Columns) {
				t.Errorf("duplicate of %q: %v %q on %q%q; a clean duplicate gives %v %q on %q%q\n%v",
					v, ce.Kind, ce.Constraint, ce.Table, ce.Columns, ref.Kind, ref.Constraint, ref.Table, ref.Columns, ce)
			}
			if n := e.count(t, "hostile_user"); n != rows {
				t.Errorf("duplicate of %q: %d rows after the failed flush, want %d", v, n, rows)
			}
			if ok.ID != 0 || stateOf(m, ok) != uow.StateNew || stateOf(m, dup) != uow.StateNew {
				t.Errorf("duplicate of %q: entities not left new (id %d, states %v %v)", v, ok.ID, stateOf(m, ok), stateOf(m, dup))
			}
		}
	})
}

// TestForeignKeyAndNotNullWithHostileValues: the other kinds, reported with
// their real names whatever the row holds.
func TestForeignKeyAndNotNullWithHostileValues(t *testing.T) {
	forEachBackendWith(t, hostileConfig, func(t *testing.T, e *env) {
		ctx := context.Background()
		owner := &HostileUser{Handle: hostileHandles[0]}
		if err := persistFlush(ctx, e.fork(), owner, &HostilePost{Title: hostileHandles[6], Owner: owner, Weight: ptr(1)}); err != nil {
			t.Fatal(err)
		}
		wantFK := "hostile_post_owner_id_foreign"
		if e.b == testkit.SQLite { // SQLite names no foreign key
			wantFK = ""
		}
		for _, title := range hostileHandles {
			t.Run("insert", func(t *testing.T) {
				m := e.fork()
				ghost, err := em.Reference[HostileUser](m, int64(987654321))
				if err != nil {
					t.Fatal(err)
				}
				ce := asConstraint(t, persistFlush(ctx, m, &HostilePost{Title: title, Owner: ghost, Weight: ptr(2)}))
				if ce.Kind != uow.ForeignKeyConstraint || ce.Constraint != wantFK {
					t.Errorf("post %q of a missing owner: %v %q, want foreign key %q\n%v", title, ce.Kind, ce.Constraint, wantFK, ce)
				}
				if e.b != testkit.SQLite && ce.Table != "hostile_post" {
					t.Errorf("post %q of a missing owner: table %q, want hostile_post", title, ce.Table)
				}
			})
			t.Run("not null", func(t *testing.T) {
				ce := asConstraint(t, persistFlush(ctx, e.fork(), &HostilePost{Title: title, Owner: owner}))
				if ce.Kind != uow.NotNullConstraint || !slices.Equal(ce.Columns, []string{"weight"}) {
					t.Errorf("post %q without weight: %v on %v, want not null on weight\n%v", title, ce.Kind, ce.Columns, ce)
				}
				if e.b != testkit.MySQL && e.b != testkit.MariaDB && ce.Table != "hostile_post" { // MySQL names no table
					t.Errorf("post %q without weight: table %q, want hostile_post", title, ce.Table)
				}
			})
		}
		if n := e.count(t, "hostile_post"); n != 1 {
			t.Errorf("%d posts after the failed flushes, want 1", n)
		}
		// Deleting the referenced owner: the same foreign key, from the
		// parent's side.
		m := e.fork()
		u, err := em.FindOneOrFail[HostileUser](ctx, m, owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Remove(u); err != nil {
			t.Fatal(err)
		}
		ce := asConstraint(t, m.Flush(ctx))
		if ce.Kind != uow.ForeignKeyConstraint || ce.Constraint != wantFK {
			t.Errorf("delete of a referenced owner: %v %q, want foreign key %q\n%v", ce.Kind, ce.Constraint, wantFK, ce)
		}
		if n := e.count(t, "hostile_user"); n != 1 {
			t.Errorf("%d users after the failed delete, want 1", n)
		}
	})
}
