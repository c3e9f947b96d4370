package em

import (
	"database/sql"
	"errors"
	"fmt"
	"github.com/unitorm/unitorm/uow"
)

var (
	// ErrNotFound is returned by FindOneOrFail and friends when no row
	// matches. It unwraps to sql.ErrNoRows.
	ErrNotFound = fmt.Errorf("unitorm: entity not found: %w", sql.ErrNoRows)
	// ErrGlobalContext is returned when the root EntityManager is used for
	// work while the configuration does not allow it: use Fork.
	ErrGlobalContext = errors.New("unitorm: the global EntityManager is not for work: use Fork() per request or job, or set AllowGlobalContext")
	// ErrUnknownProperty is returned for a condition, order or data key that
	// names no property of the entity.
	ErrUnknownProperty = errors.New("unitorm: unknown property")
	// ErrFlushInProgress is returned by Flush called while a flush runs
	// (from a hook or subscriber).
	ErrFlushInProgress = errors.New("unitorm: flush called during a flush (from a hook or subscriber)")
	// ErrNoTransaction is returned by operations that need a transaction
	// (pessimistic locks, Commit) when none is open.
	ErrNoTransaction = errors.New("unitorm: no transaction is open")
	// ErrNoTransactions is returned by drivers whose database cannot run
	// transactions.
	ErrNoTransactions = uow.ErrNoTransactions
	// ErrInvalidData is returned by Create and Assign for data that does not
	// fit the entity.
	ErrInvalidData = errors.New("unitorm: invalid data")
)

// PropertyError says which entity and property a problem concerns.
type PropertyError struct {
	Entity   string
	Property string
	Err      error
}

func (e *PropertyError) Error() string {
	return fmt.Sprintf("%v: %s.%s", e.Err, e.Entity, e.Property)
}

func (e *PropertyError) Unwrap() error { return e.Err }
