package sqlite

import (
	"strconv"
	"strings"

	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/internal/uow"
	"modernc.org/sqlite"
)

// ClassifyError turns a SQLite constraint violation into a *uow.ConstraintError
// that wraps it; any other error is returned as it is.
//
// The kind always comes from the error's code, and the constraint, table
// and columns from a parse of the message anchored on its fixed text, so that a value quoted in the message can never change
// them. Where a message cannot be read unambiguously, those fields stay
// empty.
func ClassifyError(err error) error { return sqlconn.Classify(err, classifySQLite) }

const (
	sqliteError                = 1
	sqliteConstraint           = 19
	sqliteConstraintCheck      = 275
	sqliteConstraintForeignKey = 787
	sqliteConstraintNotNull    = 1299
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
	sqliteConstraintRowID      = 2579
)

// classifySQLite takes the kind from the extended result code. SQLite's
// messages quote no values; they name the table and columns
// ("UNIQUE constraint failed: author.email, author.name"), a unique index
// on expressions ("... failed: index 'name'"), or a CHECK constraint by
// name or expression.
func classifySQLite(err error, e *sqlite.Error) error {
	code := e.Code()
	if code == sqliteError {
		// "SQL logic error: no such column: e0.views (1)"
		for _, obj := range []string{"column", "table"} {
			if _, rest, ok := strings.Cut(e.Error(), "no such "+obj+": "); ok {
				name, _, _ := strings.Cut(rest, " (")
				return &uow.SchemaError{Object: obj, Name: name, Err: err}
			}
		}
	}
	if code&0xff != sqliteConstraint {
		return err
	}
	ce := &uow.ConstraintError{Err: err}
	// modernc writes "constraint failed: <sqlite3_errmsg> (<code>)".
	detail, ok := sqlconn.Between(e.Error(), "constraint failed: ", " ("+strconv.Itoa(code)+")")
	if !ok {
		detail = ""
	}
	switch code {
	case sqliteConstraintUnique, sqliteConstraintPrimaryKey, sqliteConstraintRowID:
		ce.Kind = uow.UniqueConstraint
		if d, ok := strings.CutPrefix(detail, "UNIQUE constraint failed: "); ok {
			if name, ok := sqliteIndex(d); ok {
				ce.Constraint = name
			} else {
				ce.Table, ce.Columns = sqliteColumns(d)
			}
		}
	case sqliteConstraintNotNull:
		ce.Kind = uow.NotNullConstraint
		if d, ok := strings.CutPrefix(detail, "NOT NULL constraint failed: "); ok {
			ce.Table, ce.Columns = sqliteColumns(d)
		}
	case sqliteConstraintForeignKey:
		ce.Kind = uow.ForeignKeyConstraint
	case sqliteConstraintCheck:
		ce.Kind = uow.CheckConstraint
		if d, ok := strings.CutPrefix(detail, "CHECK constraint failed: "); ok {
			ce.Constraint = d
		}
	}
	return ce
}

// sqliteIndex reads "index 'name'" (the name %q-quoted: ' written twice).
func sqliteIndex(detail string) (string, bool) {
	q, ok := sqlconn.Between(detail, "index '", "'")
	if !ok {
		return "", false
	}
	name := strings.ReplaceAll(q, "''", "'")
	if strings.Count(name, "'")*2 != strings.Count(q, "'") { // a lone quote
		return "", false
	}
	return name, true
}

// sqliteColumns parses "author.email, author.name" into the table and
// columns; anything else gives neither.
func sqliteColumns(detail string) (table string, cols []string) {
	for part := range strings.SplitSeq(detail, ", ") {
		t, c, ok := strings.Cut(part, ".")
		if !ok || t == "" || c == "" || (table != "" && t != table) {
			return "", nil
		}
		table = t
		cols = append(cols, c)
	}
	return table, cols
}
