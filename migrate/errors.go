package migrate

import (
	"errors"
	"fmt"
)

var (
	// ErrNoChanges is returned by Create when the schema already matches
	// the entities.
	ErrNoChanges = errors.New("migrate: no changes: the schema matches the entities")
	// ErrPending is returned when pending migrations must run first.
	ErrPending = errors.New("migrate: pending migrations")
	// ErrSchemaDiffers is returned by Check when the schema does not match
	// the entities.
	ErrSchemaDiffers = errors.New("migrate: the schema differs from the entities")
	// ErrUnknownVersion is returned for a target version no migration has.
	ErrUnknownVersion = errors.New("migrate: unknown version")
	// ErrIrreversible is returned when a migration to be reverted has no
	// down step.
	ErrIrreversible = errors.New("migrate: migration has no down step")
	// ErrDuplicate is returned when two migrations share a version.
	ErrDuplicate = errors.New("migrate: duplicate migration version")
	// ErrBadName is returned for a migration file or name that does not
	// follow the <version>_<name>.(up|down).sql pattern.
	ErrBadName = errors.New("migrate: bad migration name")
	// ErrWrongDialect is returned by Up and Down, before any SQL runs, when
	// a migration was written for another database than the one migrated.
	ErrWrongDialect = errors.New("migrate: migration written for another database")
)

// MigrationError is a migration that failed; the migrations table does not
// list it (up) or still lists it (down).
type MigrationError struct {
	Version string
	Name    string
	Down    bool
	Err     error
}

func (e *MigrationError) Error() string {
	dir := "up"
	if e.Down {
		dir = "down"
	}
	return fmt.Sprintf("migrate: %s_%s (%s): %v", e.Version, e.Name, dir, e.Err)
}

func (e *MigrationError) Unwrap() error { return e.Err }
