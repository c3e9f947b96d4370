package sqlite

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/unitorm/unitorm/internal/uow"
)

func TestClassifySQLiteErrors(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	for _, ddl := range []string{
		`CREATE TABLE author (id integer PRIMARY KEY, email text NOT NULL UNIQUE, age integer CONSTRAINT age_positive CHECK (age > 0))`,
		`CREATE TABLE book (id integer PRIMARY KEY, author_id integer NOT NULL REFERENCES author (id))`,
		`INSERT INTO author (id, email, age) VALUES (1, 'a@x', 3)`,
	} {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		sql     string
		kind    uow.ConstraintKind
		table   string
		columns []string
		name    string
	}{
		{`INSERT INTO author (id, email, age) VALUES (2, 'a@x', 3)`, uow.UniqueConstraint, "author", []string{"email"}, ""},
		{`INSERT INTO author (id, email, age) VALUES (1, 'b@x', 3)`, uow.UniqueConstraint, "author", []string{"id"}, ""},
		{`INSERT INTO author (id, email, age) VALUES (3, NULL, 3)`, uow.NotNullConstraint, "author", []string{"email"}, ""},
		{`INSERT INTO author (id, email, age) VALUES (4, 'c@x', -1)`, uow.CheckConstraint, "", nil, "age_positive"},
		{`INSERT INTO book (id, author_id) VALUES (1, 99)`, uow.ForeignKeyConstraint, "", nil, ""},
	}
	for _, tt := range tests {
		_, err := db.ExecContext(ctx, tt.sql)
		err = ClassifyError(err)
		var ce *uow.ConstraintError
		if !errors.As(err, &ce) {
			t.Errorf("%s: err = %v, want *ConstraintError", tt.sql, err)
			continue
		}
		if ce.Kind != tt.kind || ce.Table != tt.table || !reflect.DeepEqual(ce.Columns, tt.columns) || ce.Constraint != tt.name {
			t.Errorf("%s: got %+v", tt.sql, *ce)
		}
		if ce.Unwrap() == nil {
			t.Errorf("%s: no driver error inside", tt.sql)
		}
	}
	if err := ClassifyError(errors.New("x")); err.Error() != "x" {
		t.Errorf("plain error changed: %v", err)
	}
}
