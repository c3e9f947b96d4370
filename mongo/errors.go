package mongo

import (
	"errors"
	"fmt"
	"strings"

	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/unitorm/unitorm/internal/uow"
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
	// ErrTransactionsUnsupported is returned by Begin on a server that cannot run
	// transactions: a standalone mongod, or FerretDB. Flushes there run
	// without one (see Driver.NoTransactions).
	ErrTransactionsUnsupported = uow.ErrTransactionsUnsupported
	// ErrNoSavepoints is returned by RollbackTo: MongoDB transactions have
	// no savepoints, so rolling back to one aborts the whole transaction.
	ErrNoSavepoints = errors.New("mongo: MongoDB transactions have no savepoints; the whole transaction was aborted")
)

// TransactionsError is the error of Begin on a server without
// transactions. It unwraps to ErrTransactionsUnsupported.
type TransactionsError struct {
	Reason string // why, e.g. "the server is a standalone mongod (no replica set)"
}

func (e *TransactionsError) Error() string {
	return "mongo: the server cannot run transactions: " + e.Reason +
		"; flushes run without a transaction, and Transactional and Begin are refused"
}

func (e *TransactionsError) Unwrap() error { return ErrTransactionsUnsupported }

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
	msg, ok := duplicateKeyMessage(err)
	if !ok {
		return err
	}
	return &uow.ConstraintError{Kind: uow.UniqueConstraint, Constraint: duplicateIndex(msg), Table: table, Err: err}
}

// duplicateKeyMessage returns the server's message of the duplicate-key
// error in err, read from the error's fields: the text of err as a whole
// may carry more (details, other write errors). ok is false when err is
// no duplicate-key error.
func duplicateKeyMessage(err error) (msg string, ok bool) {
	var we *WriteError
	if errors.As(err, &we) && duplicateKey(we.Code) {
		return we.Message, true
	}
	var wex mongodrv.WriteException
	if errors.As(err, &wex) {
		for _, e := range wex.WriteErrors {
			if duplicateKey(e.Code) {
				return e.Message, true
			}
		}
	}
	var bwe mongodrv.BulkWriteException
	if errors.As(err, &bwe) {
		for _, e := range bwe.WriteErrors {
			if duplicateKey(e.Code) {
				return e.Message, true
			}
		}
	}
	var ce mongodrv.CommandError
	if errors.As(err, &ce) && duplicateKey(int(ce.Code)) {
		return ce.Message, true
	}
	// Another form the driver recognizes (e.g. mongos wrapping the error):
	// a duplicate key, but no message to read a name from.
	return "", mongodrv.IsDuplicateKeyError(err)
}

// duplicateIndex reads the index name from a duplicate-key message:
//
//	E11000 duplicate key error collection: db.author index: author_email_unique dup key: { email: "..." }
//
// with " collation: { ... }" before "dup key" when the index has one. The
// duplicate value comes after the first " dup key: ", so only the text
// before it is read: a value can never name the index. FerretDB writes
// "E11000 duplicate key error collection: db.author" (no index, no value),
// which names none.
func duplicateIndex(msg string) string {
	head, _, ok := strings.Cut(msg, " dup key: ")
	if !ok {
		return ""
	}
	code, head, _ := strings.Cut(head, " ") // E11000, E11001, ...
	if head, ok = strings.CutPrefix(head, "duplicate key error "); !ok || !strings.HasPrefix(code, "E") {
		return ""
	}
	var name string
	if name, ok = strings.CutPrefix(head, "index: "); !ok { // before MongoDB 3.0
		if _, name, ok = strings.Cut(head, " index: "); !ok {
			return ""
		}
	}
	name, _, _ = strings.Cut(name, " collation: ")
	return name
}
