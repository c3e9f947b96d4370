package sqlite

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/internal/uow"
)

// hostileValues are values a user may store that look like the fixed text
// of a constraint message. None may change the constraint reported.
var hostileValues = []string{
	"x' for key 'author_name_fake",
	"x' for key 'author_name_fake'",
	"a'' for key ''b",
	"' for key '",
	"'",
	"''",
	"",
	"x' for key 'author.fake",
	"tick`s CONSTRAINT `evil` FOREIGN KEY (`x`) REFERENCES `y` (`z`)",
	"CONSTRAINT `evil` failed for `db`.`t`",
	"line1\nline2' for key 'nl_fake'\n",
	"\r\n' for key '\r\nfake",
	"ünïcødé 😀' for key 'emoji_fake",
	"back\\slash\\' for key \\'fake",
	"nul\x00' for key 'fake",
	"Duplicate entry 'x' for key 'fake",
	strings.Repeat("a", 60) + "' for key 'long_fake",
	strings.Repeat("😀", 120) + "' for key 'long_fake",
	strings.Repeat("' for key 'k", 40),
}

// TestClassifySQLiteHostile runs real statements: SQLite's kind comes from
// the extended result code, and its messages quote no values.
func TestClassifySQLiteHostile(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	for _, ddl := range []string{
		`CREATE TABLE author (id integer PRIMARY KEY, name text NOT NULL CONSTRAINT author_name_unique UNIQUE, age integer CONSTRAINT "age (positive)" CHECK (age > 0))`,
		`CREATE TABLE tag (name text)`,
		`CREATE UNIQUE INDEX "it's (lower)" ON tag (lower(name))`,
		`CREATE TABLE book (id integer PRIMARY KEY, title text, author_id integer NOT NULL REFERENCES author (id))`,
		`CREATE TABLE pair (a text, b text, UNIQUE (a, b))`,
	} {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range hostileValues {
		if strings.ContainsRune(v, 0) {
			continue
		}
		v := fmt.Sprintf("%s#%d", v, i)
		if _, err := db.ExecContext(ctx, `INSERT INTO author (name, age) VALUES (?, 1)`, v); err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		for _, tt := range []struct {
			sql     string
			args    []any
			kind    uow.ConstraintKind
			name    string
			table   string
			columns []string
		}{
			{`INSERT INTO author (name, age) VALUES (?, 1)`, []any{v}, uow.UniqueConstraint, "", "author", []string{"name"}},
			{`INSERT INTO author (id, name, age) VALUES (1, ?, 1)`, []any{v + "pk"}, uow.UniqueConstraint, "", "author", []string{"id"}},
			{`INSERT INTO author (name, age) VALUES (?, -1)`, []any{v + "neg"}, uow.CheckConstraint, "age (positive)", "", nil},
			{`INSERT INTO book (title, author_id) VALUES (?, NULL)`, []any{v}, uow.NotNullConstraint, "", "book", []string{"author_id"}},
			{`INSERT INTO book (title, author_id) VALUES (?, 999999)`, []any{v}, uow.ForeignKeyConstraint, "", "", nil},
			{`INSERT INTO pair (a, b) VALUES (?, ?), (?, ?)`, []any{v, v, v, v}, uow.UniqueConstraint, "", "pair", []string{"a", "b"}},
			// A unique index on an expression is named.
			{`INSERT INTO tag (name) VALUES (?), (?)`, []any{v + "tag", v + "TAG"}, uow.UniqueConstraint, "it's (lower)", "", nil},
		} {
			_, err := db.ExecContext(ctx, tt.sql, tt.args...)
			var ce *uow.ConstraintError
			if !errors.As(ClassifyError(err), &ce) {
				t.Errorf("%s %q: %v, want a *ConstraintError", tt.sql, v, err)
				continue
			}
			if ce.Kind != tt.kind || ce.Constraint != tt.name || ce.Table != tt.table || !reflect.DeepEqual(ce.Columns, tt.columns) {
				t.Errorf("%s %q: got %v %q %q %q", tt.sql, v, ce.Kind, ce.Constraint, ce.Table, ce.Columns)
			}
		}
	}
}
