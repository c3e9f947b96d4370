package qb

import (
	"database/sql"
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by qb wrap one of them (and the cause,
// where there is one) with details; test them with errors.Is.
var (
	// ErrInvalidValue: a value that cannot be bound or a malformed condition,
	// such as a map or struct given as a condition value.
	ErrInvalidValue = errors.New("qb: invalid value")
	// ErrInvalidIdentifier: a table, column or alias name that cannot be used.
	ErrInvalidIdentifier = errors.New("qb: invalid identifier")
	// ErrTooManyParams: a statement binds more parameters than the dialect allows.
	ErrTooManyParams = errors.New("qb: too many bound parameters")
	// ErrUnsupported: the dialect lacks a feature the statement needs.
	ErrUnsupported = errors.New("qb: unsupported by dialect")
	// ErrBindMismatch: a raw fragment's placeholders and arguments do not match.
	ErrBindMismatch = errors.New("qb: placeholder/argument mismatch")
	// ErrInvalidQuery: a statement that cannot be rendered as built (no table,
	// SKIP LOCKED without a lock, an insert row of the wrong length, ...).
	ErrInvalidQuery = errors.New("qb: invalid query")
	// ErrNoRows: First found no row. It wraps sql.ErrNoRows.
	ErrNoRows = fmt.Errorf("qb: no rows: %w", sql.ErrNoRows)
)

// QueryError is a database error together with the statement that caused it.
type QueryError struct {
	SQL string
	Err error
}

func (e *QueryError) Error() string {
	s := e.SQL
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return fmt.Sprintf("qb: %v [%s]", e.Err, s)
}

func (e *QueryError) Unwrap() error { return e.Err }

func invalidValue(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidValue}, args...)...)
}

func invalidQuery(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidQuery}, args...)...)
}

func unsupported(d interface{ Name() string }, feature string) error {
	return fmt.Errorf("%w: %s on %s", ErrUnsupported, feature, d.Name())
}
