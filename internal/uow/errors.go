package uow

import (
	"errors"
	"fmt"
	"strings"
)

// ErrOptimisticLock is returned by a flush when a versioned entity was changed
// or deleted by someone else since it was loaded.
var ErrOptimisticLock = errors.New("unitorm: optimistic lock failed")

// ConstraintKind says which kind of database constraint was violated.
type ConstraintKind int

const (
	// OtherConstraint is a constraint violation the driver could not classify.
	OtherConstraint ConstraintKind = iota
	// UniqueConstraint is a duplicate value in a unique index or primary key.
	UniqueConstraint
	// ForeignKeyConstraint is a reference to a missing row, or a delete of a
	// row still referenced.
	ForeignKeyConstraint
	// NotNullConstraint is a NULL written to a NOT NULL column.
	NotNullConstraint
	// CheckConstraint is a failed CHECK.
	CheckConstraint
)

func (k ConstraintKind) String() string {
	switch k {
	case UniqueConstraint:
		return "unique"
	case ForeignKeyConstraint:
		return "foreign key"
	case NotNullConstraint:
		return "not null"
	case CheckConstraint:
		return "check"
	}
	return "constraint"
}

// ConstraintError is a constraint violation reported by the database. It
// unwraps to the driver's own error.
type ConstraintError struct {
	Kind       ConstraintKind
	Constraint string   // constraint or index name, when the database names it
	Table      string   // table, when known
	Columns    []string // columns involved, when known
	Err        error    // the driver's error
}

func (e *ConstraintError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "unitorm: %s constraint violated", e.Kind)
	if e.Constraint != "" {
		fmt.Fprintf(&b, " (%s)", e.Constraint)
	}
	if e.Table != "" {
		fmt.Fprintf(&b, " on %s", e.Table)
		if len(e.Columns) > 0 {
			fmt.Fprintf(&b, "(%s)", strings.Join(e.Columns, ", "))
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *ConstraintError) Unwrap() error { return e.Err }

// IsUniqueViolation reports whether err is or wraps a unique-constraint violation.
func IsUniqueViolation(err error) bool { return isKind(err, UniqueConstraint) }

// IsForeignKeyViolation reports whether err is or wraps a foreign-key violation.
func IsForeignKeyViolation(err error) bool { return isKind(err, ForeignKeyConstraint) }

// IsNotNullViolation reports whether err is or wraps a NOT NULL violation.
func IsNotNullViolation(err error) bool { return isKind(err, NotNullConstraint) }

func isKind(err error, k ConstraintKind) bool {
	var ce *ConstraintError
	return errors.As(err, &ce) && ce.Kind == k
}

// ErrInvalidKey is returned for primary-key values that do not fit the
// entity's key (wrong type or count, or zero).
var ErrInvalidKey = errors.New("unitorm: invalid primary key")

// ErrRowsMissing is returned when rows a flush writes no longer exist.
var ErrRowsMissing = errors.New("unitorm: rows to write no longer exist")

// ErrTransactionsUnsupported is returned when a transaction is asked of a database
// that cannot run one (a standalone MongoDB, FerretDB).
var ErrTransactionsUnsupported = errors.New("unitorm: the database cannot run transactions")

// ErrTransactionLost is returned when the connection of an open transaction
// died (the server restarted or ended the session): nothing of the
// transaction was committed, and the whole unit of work can be retried on a
// fresh EntityManager (IsRetryable reports true).
var ErrTransactionLost = errors.New("unitorm: transaction lost with its connection; retry it whole")

// ErrConflict is returned when the database aborted a transaction to
// settle a conflict with another one: a serialization failure (PostgreSQL
// 40001 under SERIALIZABLE or REPEATABLE READ), a deadlock (PostgreSQL
// 40P01, MySQL/MariaDB 1213) or a Galera certification failure (reported
// as 1213 by the node whose commit lost). Nothing of the transaction was
// committed; run the whole unit of work again (IsRetryable reports true).
var ErrConflict = errors.New("unitorm: transaction aborted in a conflict with another; retry it whole")

// ErrUnavailable is returned when the server could not take the work: it
// could not be reached, or (a Galera node out of its cluster, MySQL/MariaDB
// 1047) it refuses work for now. Nothing was done; the work can be run again,
// on that server once it is back or on another one.
var ErrUnavailable = errors.New("unitorm: the database server is unavailable; nothing was done")

// IsRetryable reports whether err says that the work it interrupted can be
// run again whole and may then succeed: the transaction was lost with its
// connection (ErrTransactionLost), was aborted in a conflict
// (ErrConflict), or the server could not take it (ErrUnavailable). The
// drivers mark their own retryable failures by wrapping these sentinels.
func IsRetryable(err error) bool {
	return errors.Is(err, ErrTransactionLost) || errors.Is(err, ErrConflict) || errors.Is(err, ErrUnavailable)
}
