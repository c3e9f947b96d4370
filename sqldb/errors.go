package sqldb

import (
	"errors"
	"regexp"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/unitorm/unitorm/uow"
	"modernc.org/sqlite"
)

// ClassifyError turns a driver's constraint violation into a
// *uow.ConstraintError that wraps it; any other error is returned as it is.
func ClassifyError(err error) error {
	if err == nil {
		return nil
	}
	var ce *uow.ConstraintError
	if errors.As(err, &ce) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return classifyPostgres(err, pgErr)
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		return classifyMySQL(err, myErr)
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return classifySQLite(err, liteErr)
	}
	return err
}

func classifyPostgres(err error, e *pgconn.PgError) error {
	var kind uow.ConstraintKind
	switch e.Code {
	case "23505":
		kind = uow.UniqueConstraint
	case "23503":
		kind = uow.ForeignKeyConstraint
	case "23502":
		kind = uow.NotNullConstraint
	case "23514":
		kind = uow.CheckConstraint
	default:
		if !strings.HasPrefix(e.Code, "23") {
			return err
		}
	}
	ce := &uow.ConstraintError{Kind: kind, Constraint: e.ConstraintName, Table: e.TableName, Err: err}
	if e.ColumnName != "" {
		ce.Columns = []string{e.ColumnName}
	}
	return ce
}

var (
	myDupKey     = regexp.MustCompile("for key '([^']+)'")
	myConstraint = regexp.MustCompile("CONSTRAINT `([^`]+)`")
	myFKTable    = regexp.MustCompile("fails \\(`[^`]+`\\.`([^`]+)`")
	myColumn     = regexp.MustCompile("(?:Column|Field) '([^']+)'")
)

func classifyMySQL(err error, e *mysql.MySQLError) error {
	ce := &uow.ConstraintError{Err: err}
	switch e.Number {
	case 1062, 1586: // duplicate entry
		ce.Kind = uow.UniqueConstraint
		if m := myDupKey.FindStringSubmatch(e.Message); m != nil {
			name := m[1]
			if i := strings.LastIndexByte(name, '.'); i >= 0 { // MySQL 8: table.key
				ce.Table, name = name[:i], name[i+1:]
			}
			ce.Constraint = name
		}
	case 1451, 1452, 1216, 1217: // child row / parent row
		ce.Kind = uow.ForeignKeyConstraint
		if m := myConstraint.FindStringSubmatch(e.Message); m != nil {
			ce.Constraint = m[1]
		}
		if m := myFKTable.FindStringSubmatch(e.Message); m != nil {
			ce.Table = m[1]
		}
	case 1048, 1364: // column cannot be null / field has no default
		ce.Kind = uow.NotNullConstraint
		if m := myColumn.FindStringSubmatch(e.Message); m != nil {
			ce.Columns = []string{m[1]}
		}
	case 3819, 4025: // check constraint (MySQL, MariaDB)
		ce.Kind = uow.CheckConstraint
		if m := myConstraint.FindStringSubmatch(e.Message); m != nil {
			ce.Constraint = m[1]
		}
	default:
		return err
	}
	return ce
}

const (
	sqliteConstraint           = 19
	sqliteConstraintCheck      = 275
	sqliteConstraintForeignKey = 787
	sqliteConstraintNotNull    = 1299
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

func classifySQLite(err error, e *sqlite.Error) error {
	code := e.Code()
	if code&0xff != sqliteConstraint {
		return err
	}
	ce := &uow.ConstraintError{Err: err}
	msg := e.Error()
	// Messages look like "constraint failed: UNIQUE constraint failed: author.email (2067)".
	_, detail, _ := strings.Cut(msg, " constraint failed: ")
	if i := strings.LastIndex(detail, " ("); i >= 0 {
		detail = detail[:i]
	}
	switch code {
	case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
		ce.Kind = uow.UniqueConstraint
		ce.Table, ce.Columns = sqliteColumns(detail)
	case sqliteConstraintNotNull:
		ce.Kind = uow.NotNullConstraint
		ce.Table, ce.Columns = sqliteColumns(detail)
	case sqliteConstraintForeignKey:
		ce.Kind = uow.ForeignKeyConstraint
	case sqliteConstraintCheck:
		ce.Kind = uow.CheckConstraint
		ce.Constraint = detail
	}
	return ce
}

// sqliteColumns parses "author.email, author.name" into the table and columns.
func sqliteColumns(detail string) (table string, cols []string) {
	for _, part := range strings.Split(detail, ",") {
		t, c, ok := strings.Cut(strings.TrimSpace(part), ".")
		if !ok {
			continue
		}
		table = t
		cols = append(cols, c)
	}
	return table, cols
}
