package schema

import (
	"errors"
	"fmt"
)

var (
	// ErrDuplicateTable is returned when two entities or pivots given together
	// map to the same table.
	ErrDuplicateTable = errors.New("schema: duplicate table")
	// ErrNoInspector is returned when no catalog reader is known for a
	// dialect (see RegisterInspector).
	ErrNoInspector = errors.New("schema: no inspector for dialect")
	// ErrUnsupportedChange is returned when a change cannot be expressed on
	// a database (for example a column whose type a table rebuild cannot copy).
	ErrUnsupportedChange = errors.New("schema: unsupported change")
)

// ExecError is a statement the database refused.
type ExecError struct {
	Stmt string // the statement
	Err  error  // the driver's error
}

func (e *ExecError) Error() string {
	return fmt.Sprintf("schema: %v (statement: %s)", e.Err, e.Stmt)
}

func (e *ExecError) Unwrap() error { return e.Err }
