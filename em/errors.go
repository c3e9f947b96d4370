package em

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/unitorm/unitorm/internal/populate"
	"github.com/unitorm/unitorm/internal/uow"
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
	// ErrTransactionsUnsupported is returned by drivers whose database cannot run
	// transactions.
	ErrTransactionsUnsupported = uow.ErrTransactionsUnsupported
	// ErrInvalidSubscriber is returned by New (and unitorm.Open) for a
	// Config.Subscribers entry that implements no subscriber interface: it
	// would never be called.
	ErrInvalidSubscriber = errors.New("unitorm: not a flush subscriber")
	// ErrInvalidData is returned by Create and Assign for data that does not
	// fit the entity.
	ErrInvalidData = errors.New("unitorm: invalid data")
	// ErrConcurrentUse is returned by a call on an EntityManager while
	// another call on it is running: an EntityManager is one unit of work
	// and serves one goroutine at a time. The second call is refused before
	// it touches anything; the first one goes on.
	ErrConcurrentUse = errors.New("unitorm: EntityManager used by two goroutines at once: Fork() one per goroutine")
	// ErrUnknownPath is returned for a populate path (Populate,
	// PopulateWhere, PopulateOrderBy) that names no relation, or that a
	// PopulateWhere or PopulateOrderBy names without populating it. The
	// error is a *PathError naming the entity and the path.
	ErrUnknownPath = populate.ErrUnknownPath
	// ErrNotVersioned is returned by Lock with LockOptimistic for an entity
	// without a version property; the error is a *PropertyError naming it.
	ErrNotVersioned = errors.New("unitorm: optimistic lock on an entity without a version property")
	// ErrOptimisticLock is returned when a versioned entity was changed by
	// someone else: by Flush, and by Lock with LockOptimistic when the
	// entity's version is not the one expected.
	ErrOptimisticLock = uow.ErrOptimisticLock
)

// PathError is a populate path that cannot be followed, naming the entity
// and the path. It unwraps to ErrUnknownPath.
type PathError = populate.PathError

// PropertyError says which entity and property a problem concerns
// (Property is empty when the problem is about the entity as a whole).
type PropertyError struct {
	Entity   string
	Property string
	Err      error
}

func (e *PropertyError) Error() string {
	if e.Property == "" {
		return fmt.Sprintf("%v: %s", e.Err, e.Entity)
	}
	return fmt.Sprintf("%v: %s.%s", e.Err, e.Entity, e.Property)
}

func (e *PropertyError) Unwrap() error { return e.Err }
