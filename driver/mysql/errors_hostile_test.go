package mysql

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
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

// myDup is the duplicate-entry message as MySQL and MariaDB write it: the
// value is not escaped, the message is cut at MYSQL_ERRMSG_SIZE-1 bytes.
func myDup(value, key string) string {
	msg := fmt.Sprintf("Duplicate entry '%s' for key '%s'", value, key)
	if len(msg) > myErrMsgSize-1 {
		msg = msg[:myErrMsgSize-1]
	}
	return msg
}

func TestClassifyMySQLHostileDuplicate(t *testing.T) {
	for _, key := range []string{"author_name_unique", "author.author_name_unique", "PRIMARY", "it's `k"} {
		wantTable, wantName := "", key
		if i := strings.LastIndexByte(key, '.'); i >= 0 {
			wantTable, wantName = key[:i], key[i+1:]
		}
		for _, v := range hostileValues {
			msg := myDup(v, key)
			ce := classifyMy(t, 1062, msg)
			if ce.Kind != uow.UniqueConstraint {
				t.Errorf("%q: kind %v", msg, ce.Kind)
			}
			if len(msg) >= myErrMsgSize-4 {
				// Cut by the server: its end may be the value's, so no name.
				if ce.Constraint != "" || ce.Table != "" {
					t.Errorf("%q (cut): constraint %q table %q, want none", msg, ce.Constraint, ce.Table)
				}
				continue
			}
			if ce.Constraint != wantName || ce.Table != wantTable {
				t.Errorf("%q: constraint %q table %q, want %q %q", msg, ce.Constraint, ce.Table, wantName, wantTable)
			}
		}
	}
	// The message as the server cuts a long value (MariaDB: 64 characters
	// and "...").
	ce := classifyMy(t, 1062, "Duplicate entry '"+strings.Repeat("a", 60)+"' f...' for key 'author_name_unique'")
	if ce.Constraint != "author_name_unique" {
		t.Errorf("cut value: constraint %q", ce.Constraint)
	}
	// Forms that name no key by name: nothing is guessed.
	for _, msg := range []string{
		"Duplicate entry 'x' for key 2",
		"Duplicate entry 'x' for key 'fake' for key 3",
		"Duplicate entry 'x' for key ''",
		"Doppelter Eintrag 'x' für Schlüssel 'fake'",
		"Duplicate entry 'x' for key '" + strings.Repeat("k", 65) + "'",
		"Duplicate entry 'x' for key 'bad\xffutf8'",
		"Duplicate entry 'x",
		"Duplicate entry '",
		"",
	} {
		if ce := classifyMy(t, 1062, msg); ce.Kind != uow.UniqueConstraint || ce.Constraint != "" || ce.Table != "" {
			t.Errorf("%q: %+v, want unique without a name", msg, *ce)
		}
	}
}

func TestClassifyMySQLOtherMessages(t *testing.T) {
	tests := []struct {
		num     uint16
		msg     string
		kind    uow.ConstraintKind
		name    string
		table   string
		columns []string
	}{
		{1452, "Cannot add or update a child row: a foreign key constraint fails (`test`.`book`, CONSTRAINT `book_author_id_foreign` FOREIGN KEY (`author_id`) REFERENCES `author` (`id`))",
			uow.ForeignKeyConstraint, "book_author_id_foreign", "book", []string{"author_id"}},
		{1451, "Cannot delete or update a parent row: a foreign key constraint fails (`test`.`book`, CONSTRAINT `book_author_id_foreign` FOREIGN KEY (`author_id`, `x`) REFERENCES `author` (`id`, `y`) ON DELETE NO ACTION)",
			uow.ForeignKeyConstraint, "book_author_id_foreign", "book", []string{"author_id", "x"}},
		// Identifiers that look like the message's own text.
		{1452, "Cannot add or update a child row: a foreign key constraint fails (`x, CONSTRAINT ``evil```.`we``ird, CONSTRAINT ``fake```, CONSTRAINT `f``k FOREIGN KEY (``z``)` FOREIGN KEY (`c``ol`) REFERENCES `p` (`id`))",
			uow.ForeignKeyConstraint, "f`k FOREIGN KEY (`z`)", "we`ird, CONSTRAINT `fake`", []string{"c`ol"}},
		// Cut by the server (the part in parentheses has at most 192 bytes).
		{1452, "Cannot add or update a child row: a foreign key constraint fails (`test`.`book`, CONSTRAINT `book_author_id_foreign` FOREIGN KEY (`auth",
			uow.ForeignKeyConstraint, "book_author_id_foreign", "book", nil},
		{1452, "Cannot add or update a child row: a foreign key constraint fails (`test`.`book`, CONSTRAINT `book_author_id_foreign` FOR",
			uow.ForeignKeyConstraint, "book_author_id_foreign", "book", nil},
		{1452, "Cannot add or update a child row: a foreign key constraint fails (`test`.`book`, CONSTRAINT `f`", // maybe `f``k`
			uow.ForeignKeyConstraint, "", "", nil},
		{1452, "Cannot add or update a child row: a foreign key constraint fails (`test`.`book`, CONSTRAINT `book_auth",
			uow.ForeignKeyConstraint, "", "", nil},
		{1452, "Cannot add or update a child row: a foreign key constraint fails (`test`.`book`, CONSTRAINT `evil` bogus",
			uow.ForeignKeyConstraint, "", "", nil},
		{1216, "Cannot add or update a child row: a foreign key constraint fails", uow.ForeignKeyConstraint, "", "", nil},
		{1452, "x CONSTRAINT `evil` FOREIGN KEY (`a`)", uow.ForeignKeyConstraint, "", "", nil},
		{1048, "Column 'author_id' cannot be null", uow.NotNullConstraint, "", "", []string{"author_id"}},
		{1048, "Column 'c'ol' cannot be null", uow.NotNullConstraint, "", "", []string{"c'ol"}},
		{1048, "Column '' cannot be null' cannot be null", uow.NotNullConstraint, "", "", []string{"' cannot be null"}},
		{1048, "Spalte 'x' darf nicht NULL sein", uow.NotNullConstraint, "", "", nil},
		{1364, "Field 'c'ol' doesn't have a default value", uow.NotNullConstraint, "", "", []string{"c'ol"}},
		{4025, "CONSTRAINT `age_positive` failed for `test`.`author`", uow.CheckConstraint, "age_positive", "author", nil},
		{4025, "CONSTRAINT `ch``k` failed for ` failed for ``x`` `.`we``ird`", uow.CheckConstraint, "ch`k", "we`ird", nil},
		{4025, "CONSTRAINT `age_positive` failed for `test`.`auth", uow.CheckConstraint, "age_positive", "", nil},
		{4025, "CONSTRAINT `evil` no", uow.CheckConstraint, "", "", nil},
		{3819, "Check constraint 'age_positive' is violated.", uow.CheckConstraint, "age_positive", "", nil},
		{3819, "Check constraint 'it's' is violated.", uow.CheckConstraint, "it's", "", nil},
		{3819, "Check constraint failed", uow.CheckConstraint, "", "", nil},
	}
	for _, tt := range tests {
		ce := classifyMy(t, tt.num, tt.msg)
		if ce.Kind != tt.kind || ce.Constraint != tt.name || ce.Table != tt.table || !reflect.DeepEqual(ce.Columns, tt.columns) {
			t.Errorf("%d %q:\n got %v %q on %q %q\nwant %v %q on %q %q", tt.num, tt.msg,
				ce.Kind, ce.Constraint, ce.Table, ce.Columns, tt.kind, tt.name, tt.table, tt.columns)
		}
	}
	other := &mysql.MySQLError{Number: 1064, Message: "You have an error in your SQL syntax near ' for key 'x'"}
	if err := ClassifyError(other); err != other {
		t.Errorf("syntax error classified: %v", err)
	}
}

// classifyMy classifies a MySQL error, wrapped as the executor wraps it.
func classifyMy(t *testing.T, num uint16, msg string) *uow.ConstraintError {
	t.Helper()
	drv := &mysql.MySQLError{Number: num, SQLState: [5]byte{'2', '3', '0', '0', '0'}, Message: msg}
	err := ClassifyError(fmt.Errorf("exec: %w", drv))
	var ce *uow.ConstraintError
	if !errors.As(err, &ce) {
		t.Fatalf("%d %q: %v, want a *ConstraintError", num, msg, err)
	}
	if !errors.Is(err, drv) {
		t.Errorf("%q: the driver's error is not wrapped", msg)
	}
	return ce
}

// FuzzMySQLDuplicateKey: whatever the value, the key reported is the
// real key or, for a message the server may have cut, none.
func FuzzMySQLDuplicateKey(f *testing.F) {
	for _, v := range hostileValues {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, key := range []string{"author_name_unique", "author.author_name_unique"} {
			err := ClassifyError(&mysql.MySQLError{Number: 1062, Message: myDup(v, key)})
			var ce *uow.ConstraintError
			if !errors.As(err, &ce) || ce.Kind != uow.UniqueConstraint {
				t.Fatalf("%q: %v", v, err)
			}
			if ce.Constraint != "" && ce.Constraint != "author_name_unique" ||
				ce.Table != "" && ce.Table != "author" {
				t.Fatalf("value %q: constraint %q table %q", v, ce.Constraint, ce.Table)
			}
		}
	})
}
