package mongo

import (
	"errors"
	"fmt"
	"strings"

	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/unitorm/unitorm/uow"
)

var (
	// ErrUnsupported is returned for queries and statements MongoDB cannot
	// run as asked (raw SQL, subqueries, row locks, composite keys, ...).
	ErrUnsupported = errors.New("mongo: not supported on MongoDB")
	// ErrJoin is returned for a query that joins tables: conditions through
	// relations ("author.name") or the joined populate strategy. Query the
	// related entity first and filter by its keys, or populate with the
	// default select-in strategy. It wraps ErrUnsupported.
	ErrJoin = fmt.Errorf("%w: joins (conditions or loads through relations)", ErrUnsupported)
	// ErrUnknownField is returned for a condition or order on a name that is
	// no field of the entity.
	ErrUnknownField = errors.New("mongo: unknown field")
	// ErrInvalidObjectID is returned, before anything is sent, for a key
	// that should be an ObjectID and is not: a string that is not 24 hex
	// digits, or the zero ObjectID.
	ErrInvalidObjectID = errors.New("mongo: invalid ObjectID")
	// ErrInvalidValue is returned for a value that cannot be stored or
	// compared as one value (a map or struct where a scalar belongs).
	ErrInvalidValue = errors.New("mongo: invalid value")
	// ErrDecode is returned when a stored value does not fit its field.
	ErrDecode = errors.New("mongo: cannot decode")
	// ErrNoTransactions is returned by Begin on a server that cannot run
	// transactions: a standalone mongod, or FerretDB. Flushes there run
	// without one (see Driver.NoTransactions).
	ErrNoTransactions = uow.ErrNoTransactions
	// ErrNoSavepoints is returned by RollbackTo: MongoDB transactions have
	// no savepoints, so rolling back to one aborts the whole transaction.
	ErrNoSavepoints = errors.New("mongo: MongoDB transactions have no savepoints; the whole transaction was aborted")
)

// TransactionsError is the error of Begin on a server without
// transactions. It unwraps to ErrNoTransactions.
type TransactionsError struct {
	Reason string // why, e.g. "the server is a standalone mongod (no replica set)"
}

func (e *TransactionsError) Error() string {
	return "mongo: the server cannot run transactions: " + e.Reason +
		"; flushes run without a transaction, and Transactional and Begin are refused"
}

func (e *TransactionsError) Unwrap() error { return ErrNoTransactions }

// Written is what one step of a failed flush left in the database.
type Written struct {
	Step       string // the step, e.g. "insert Author ×3"
	Collection string
	// IDs are the keys (in their Go form) of the documents written: inserted,
	// updated, deleted, or whose arrays changed.
	IDs []any
	// Unknown is set when the server's answer does not say whether more
	// documents of the step than IDs were written (e.g. the connection
	// dropped mid-write).
	Unknown bool
}

func (w Written) String() string {
	ids := make([]string, 0, min(len(w.IDs), 4))
	for i, id := range w.IDs {
		if i == 3 {
			ids = append(ids, fmt.Sprintf("… %d more", len(w.IDs)-3))
			break
		}
		ids = append(ids, fmt.Sprint(id))
	}
	more := ""
	if w.Unknown {
		more = " and maybe more"
	}
	return fmt.Sprintf("%s (%s) [%s]%s", w.Step, w.Collection, strings.Join(ids, ", "), more)
}

// PartialWriteError is a flush that failed outside a transaction after the
// server had already applied some of its writes, which it keeps: MongoDB
// without a replica set (and FerretDB) cannot roll back. The entities are
// left as they were before the flush, as after any failed flush, so they no
// longer match what Written lists. It unwraps to the failure (a
// *uow.FlushError wrapping ErrOptimisticLock, a *uow.ConstraintError, ...).
type PartialWriteError struct {
	Written []Written
	Err     error
}

func (e *PartialWriteError) Error() string {
	parts := make([]string, len(e.Written))
	for i, w := range e.Written {
		parts[i] = w.String()
	}
	return fmt.Sprintf("%v; without a transaction these writes stay applied: %s", e.Err, strings.Join(parts, "; "))
}

func (e *PartialWriteError) Unwrap() error { return e.Err }

// classify turns a write error of the official driver into a
// *uow.ConstraintError for duplicate keys, else returns it as it is.
func classify(err error, table string) error {
	if err == nil {
		return nil
	}
	var we *WriteError
	if mongodrv.IsDuplicateKeyError(err) || (errors.As(err, &we) && duplicateKey(we.Code)) {
		ce := &uow.ConstraintError{Kind: uow.UniqueConstraint, Table: table, Err: err}
		ce.Constraint = duplicateIndex(err)
		return ce
	}
	return err
}

// duplicateIndex reads the index name from a duplicate-key message
// ("... index: book_title_unique dup key: ...").
func duplicateIndex(err error) string {
	msg := err.Error()
	i := strings.Index(msg, "index: ")
	if i < 0 {
		return ""
	}
	rest := msg[i+len("index: "):]
	if j := strings.IndexByte(rest, ' '); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
