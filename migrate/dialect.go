package migrate

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/unitorm/unitorm/internal/uow"
)

// Migration files record the database they were written for in a comment
// line, "-- unitorm:dialect postgres", which Create writes and ReadFS reads.

var dialectLineRE = regexp.MustCompile(`(?m)^--\s*unitorm:dialect\s+([a-z0-9_]+)\s*$`)

func dialectLine(name string) string { return "-- unitorm:dialect " + name }

// fileDialect returns the dialect a migration file records, or "".
func fileDialect(data []byte) string {
	m := dialectLineRE.FindSubmatch(data)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// sameFamily reports whether SQL written for dialect a runs on b: the same
// dialect, or MySQL and MariaDB (one driver and, for what migrations
// write, one SQL).
func sameFamily(a, b string) bool {
	family := func(d string) string {
		if d == "mariadb" {
			return "mysql"
		}
		return d
	}
	return family(a) == family(b)
}

// checkDialects refuses, before any SQL, migrations written for another
// database than the one migrated, naming both.
func (m *Migrator) checkDialects() error {
	all, err := m.Migrations()
	if err != nil {
		return err
	}
	here := m.db.Dialect().Name()
	for _, mig := range all {
		if mig.Dialect != "" && !sameFamily(mig.Dialect, here) {
			return fmt.Errorf("%w: %s (%s) was written for %s; this database is %s — generate migrations per database (migration:create against a %s database), or point --migrations-dir at the %s ones",
				ErrWrongDialect, mig.ID(), mig.Source, mig.Dialect, here, here, here)
		}
	}
	return nil
}

// withoutSchemaHint drops the "is the schema behind?" hint the drivers put
// on a missing column or table: inside a migration it is the migration's
// own SQL that is wrong, and the database's message says it. The result
// still unwraps to the database's error.
func withoutSchemaHint(err error) error {
	var se *uow.SchemaError
	if !errors.As(err, &se) {
		return err
	}
	return &plainError{msg: strings.Replace(err.Error(), se.Error(), se.Err.Error(), 1), err: se.Err}
}

type plainError struct {
	msg string
	err error
}

func (e *plainError) Error() string { return e.msg }
func (e *plainError) Unwrap() error { return e.err }
