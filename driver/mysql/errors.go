package mysql

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"unicode/utf8"

	"github.com/go-sql-driver/mysql"
	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/internal/uow"
)

// ClassifyError turns a MySQL or MariaDB constraint violation into a *uow.ConstraintError
// that wraps it; any other error is returned as it is.
//
// The kind always comes from the error's code, and the constraint, table
// and columns from a parse of the message anchored on its fixed text, so that a value quoted in the message can never change
// them. Where a message cannot be read unambiguously, those fields stay
// empty.
//
// Deadlocks and Galera certification failures (1213), lock wait timeouts
// (1205) and MariaDB's "record has changed since last read" (1020) wrap
// uow.ErrConflict; a Galera node that is not ready for work (1047) and a
// server that could not be reached wrap uow.ErrUnavailable: all retryable.
func ClassifyError(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" && !uow.IsRetryable(err) {
		return fmt.Errorf("%w: %w", uow.ErrUnavailable, err)
	}
	return sqlconn.Classify(err, classifyMySQL)
}

// MySQL and MariaDB send no structured fields with an error, only its
// number and message, so the message is parsed, anchored on its fixed text.
// Only the duplicate-entry message quotes a value; the others name schema
// objects only.
func classifyMySQL(err error, e *mysql.MySQLError) error {
	switch e.Number {
	case 1213, 1205, 1020:
		if uow.IsRetryable(err) {
			return err
		}
		return fmt.Errorf("%w: %w", uow.ErrConflict, err)
	case 1047:
		if uow.IsRetryable(err) {
			return err
		}
		return fmt.Errorf("%w: %w", uow.ErrUnavailable, err)
	}
	ce := &uow.ConstraintError{Err: err}
	msg := e.Message
	switch e.Number {
	case 1062, 1586: // duplicate entry
		ce.Kind = uow.UniqueConstraint
		if key, ok := myDuplicateKey(msg); ok {
			if i := strings.LastIndexByte(key, '.'); i >= 0 { // MySQL 8: table.key
				ce.Table, key = key[:i], key[i+1:]
			}
			ce.Constraint = key
		}
	case 1451, 1452, 1216, 1217: // child row / parent row
		ce.Kind = uow.ForeignKeyConstraint
		ce.Table, ce.Constraint, ce.Columns = myForeignKey(msg)
	case 1048: // column cannot be null
		ce.Kind = uow.NotNullConstraint
		if col, ok := sqlconn.Between(msg, "Column '", "' cannot be null"); ok {
			ce.Columns = []string{col}
		}
	case 1364: // field has no default value
		ce.Kind = uow.NotNullConstraint
		if col, ok := sqlconn.Between(msg, "Field '", "' doesn't have a default value"); ok {
			ce.Columns = []string{col}
		}
	case 3819: // check constraint (MySQL): "Check constraint 'name' is violated."
		ce.Kind = uow.CheckConstraint
		if name, ok := sqlconn.Between(msg, "Check constraint '", "' is violated."); ok {
			ce.Constraint = name
		}
	case 4025: // check constraint (MariaDB): "CONSTRAINT `name` failed for `db`.`table`"
		ce.Kind = uow.CheckConstraint
		ce.Constraint, ce.Table = myCheck(msg)
	case 1054: // "Unknown column 'e0.views' in 'field list'" ('SELECT' on MariaDB)
		name := ""
		if rest, ok := strings.CutPrefix(msg, "Unknown column '"); ok {
			if i := strings.LastIndex(rest, "' in '"); i >= 0 {
				name = rest[:i]
			}
		}
		return &uow.SchemaError{Object: "column", Name: name, Err: err}
	case 1146: // "Table 'db.author' doesn't exist"
		name := ""
		if rest, ok := strings.CutPrefix(msg, "Table '"); ok {
			name, _ = strings.CutSuffix(rest, "' doesn't exist")
		}
		return &uow.SchemaError{Object: "table", Name: name, Err: err}
	default:
		return err
	}
	return ce
}

// myErrMsgSize is MYSQL_ERRMSG_SIZE: the server cuts a formatted message to
// one byte less than this. A message that long may have lost its end.
const myErrMsgSize = 512

// myDuplicateKey returns the key of "Duplicate entry '<value>' for key
// '<key>'". The value is any text, "' for key '" included (the server
// does not escape it), but it comes before the key, which ends the
// message: the key is what follows the last "' for key '". When the
// message may have been cut short by the server, its end may be part of
// the value, and no key is returned. (That test counts the bytes the server
// formatted, which the client sees as they are in utf8mb4, the driver's
// default; a connection in another character set may see fewer.)
func myDuplicateKey(msg string) (string, bool) {
	const head, sep = "Duplicate entry '", "' for key '"
	if len(msg) >= myErrMsgSize-utf8.UTFMax || !strings.HasPrefix(msg, head) || !strings.HasSuffix(msg, "'") {
		return "", false
	}
	i := strings.LastIndex(msg, sep)
	if i < len(head) { // the value's opening quote is not the separator's
		return "", false
	}
	key := msg[i+len(sep) : len(msg)-1]
	if !myKeyName(key) {
		return "", false
	}
	return key, true
}

// myKeyName reports whether key can be a key name as the duplicate-entry
// message prints it: at most 64 characters, or two such names joined by a
// dot (MySQL 8 prefixes the table), valid UTF-8 without NUL.
func myKeyName(key string) bool {
	if key == "" || !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0 {
		return false
	}
	const nameLen = 64 // NAME_CHAR_LEN
	if utf8.RuneCountInString(key) <= nameLen {
		return true
	}
	i := strings.LastIndexByte(key, '.')
	return i >= 0 && utf8.RuneCountInString(key[:i]) <= nameLen && utf8.RuneCountInString(key[i+1:]) <= nameLen
}

// myForeignKey reads a foreign-key message: "Cannot add or update a child
// row: a foreign key constraint fails (`db`.`table`, CONSTRAINT `name`
// FOREIGN KEY (`col`, ...) REFERENCES `parent` (`id`) ...)", or its "Cannot
// delete or update a parent row" twin. It walks the quoted identifiers from
// the start; the server cuts the part in parentheses at 192 bytes, so what
// is cut off is left empty.
func myForeignKey(msg string) (table, constraint string, cols []string) {
	var rest string
	var ok bool
	for _, head := range []string{
		"Cannot add or update a child row: a foreign key constraint fails (",
		"Cannot delete or update a parent row: a foreign key constraint fails (",
	} {
		if rest, ok = strings.CutPrefix(msg, head); ok {
			break
		}
	}
	if !ok {
		return "", "", nil
	}
	if _, rest, ok = cutIdent(rest); !ok { // database
		return "", "", nil
	}
	if rest, ok = strings.CutPrefix(rest, "."); !ok {
		return "", "", nil
	}
	t, rest, ok := cutIdent(rest)
	if !ok {
		return "", "", nil
	}
	if rest, ok = strings.CutPrefix(rest, ", CONSTRAINT "); !ok {
		return "", "", nil
	}
	name, rest, ok := cutIdent(rest)
	if !ok {
		return "", "", nil
	}
	const fk = " FOREIGN KEY ("
	// Followed by FOREIGN KEY, or cut within it; not cut right after the
	// name, where its last backquote could be the first of an escaped pair.
	if rest == "" || !strings.HasPrefix(rest, fk) && !strings.HasPrefix(fk, rest) {
		return "", "", nil
	}
	rest = strings.TrimPrefix(rest, fk)
	for {
		var c string
		if c, rest, ok = cutIdent(rest); !ok {
			cols = nil // cut short, or not a column list
			break
		}
		cols = append(cols, c)
		if strings.HasPrefix(rest, ")") {
			break
		}
		if rest, ok = strings.CutPrefix(rest, ", "); !ok {
			cols = nil
			break
		}
	}
	return t, name, cols
}

// myCheck reads MariaDB's "CONSTRAINT `name` failed for `db`.`table`".
func myCheck(msg string) (constraint, table string) {
	rest, ok := strings.CutPrefix(msg, "CONSTRAINT ")
	if !ok {
		return "", ""
	}
	name, rest, ok := cutIdent(rest)
	if !ok {
		return "", ""
	}
	if rest, ok = strings.CutPrefix(rest, " failed for "); !ok {
		return "", ""
	}
	if _, rest, ok = cutIdent(rest); !ok {
		return name, ""
	}
	if rest, ok = strings.CutPrefix(rest, "."); !ok {
		return name, ""
	}
	if t, rest, ok := cutIdent(rest); ok && rest == "" {
		return name, t
	}
	return name, ""
}

// cutIdent cuts a backquoted identifier, in which a backquote is written
// twice, off the start of s.
func cutIdent(s string) (ident, rest string, ok bool) {
	if !strings.HasPrefix(s, "`") {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '`' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '`' {
			b.WriteByte('`')
			i++
			continue
		}
		return b.String(), s[i+1:], true
	}
	return "", s, false // no closing backquote
}
