package postgres

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
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

// TestClassifyPostgresUsesFieldsOnly: the message and detail quote the
// value; only the error's fields are read.
func TestClassifyPostgresUsesFieldsOnly(t *testing.T) {
	for _, v := range hostileValues {
		drv := &pgconn.PgError{
			Severity:       "ERROR",
			Code:           "23505",
			Message:        `duplicate key value violates unique constraint "author_name_fake"`,
			Detail:         fmt.Sprintf("Key (name)=(%s) already exists.", v),
			ConstraintName: "author_name_unique",
			TableName:      "author",
			SchemaName:     "public",
		}
		var ce *uow.ConstraintError
		if !errors.As(ClassifyError(fmt.Errorf("exec: %w", drv)), &ce) {
			t.Fatalf("%q: no *ConstraintError", v)
		}
		if ce.Kind != uow.UniqueConstraint || ce.Constraint != "author_name_unique" || ce.Table != "author" || ce.Columns != nil {
			t.Errorf("%q: %+v", v, *ce)
		}
	}
	tests := []struct {
		e    *pgconn.PgError
		want uow.ConstraintError
	}{
		{&pgconn.PgError{Code: "23503", Message: `violates foreign key constraint "evil"`, Detail: `Key (author_id)=(1) is not present in table "author".`,
			ConstraintName: "book_author_id_foreign", TableName: "book"},
			uow.ConstraintError{Kind: uow.ForeignKeyConstraint, Constraint: "book_author_id_foreign", Table: "book"}},
		{&pgconn.PgError{Code: "23502", Message: `null value in column "evil"`, TableName: "book", ColumnName: "author_id"},
			uow.ConstraintError{Kind: uow.NotNullConstraint, Table: "book", Columns: []string{"author_id"}}},
		{&pgconn.PgError{Code: "23514", Message: `violates check constraint "evil"`, ConstraintName: "age_positive", TableName: "author"},
			uow.ConstraintError{Kind: uow.CheckConstraint, Constraint: "age_positive", Table: "author"}},
		{&pgconn.PgError{Code: "23P01", ConstraintName: "no_overlap", TableName: "booking"},
			uow.ConstraintError{Kind: uow.OtherConstraint, Constraint: "no_overlap", Table: "booking"}},
	}
	for _, tt := range tests {
		var ce *uow.ConstraintError
		if !errors.As(ClassifyError(tt.e), &ce) {
			t.Fatalf("%s: no *ConstraintError", tt.e.Code)
		}
		tt.want.Err = tt.e
		if !reflect.DeepEqual(*ce, tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.e.Code, *ce, tt.want)
		}
	}
	syntax := &pgconn.PgError{Code: "42601", ConstraintName: "x"}
	if err := ClassifyError(syntax); err != syntax {
		t.Errorf("syntax error classified: %v", err)
	}
}
