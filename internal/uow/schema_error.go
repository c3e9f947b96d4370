package uow

import (
	"errors"
	"fmt"
)

// ErrSchemaBehind is wrapped by a *SchemaError: a statement named a
// column or table the database does not have — usually a schema that is
// behind the entities (migrations not run).
var ErrSchemaBehind = errors.New("unitorm: the database schema is behind the entities")

// SchemaError is a statement that failed because a column or table it
// names does not exist. Drivers return it in place of the database's
// error (which it wraps); errors.Is matches ErrSchemaBehind.
type SchemaError struct {
	Object string // "column" or "table"
	Name   string // as the database reported it ("e0.views", "author"), or ""
	Err    error
}

func (e *SchemaError) Error() string {
	name := ""
	if e.Name != "" {
		name = " " + e.Name
	}
	return fmt.Sprintf("unitorm: the database has no %s%s: is the schema behind the entities? `unitorm migration:check` lists pending migrations and differences (`migration:up` or schema.Update brings it in line): %v",
		e.Object, name, e.Err)
}

// Unwrap returns ErrSchemaBehind and the database's error.
func (e *SchemaError) Unwrap() []error { return []error{ErrSchemaBehind, e.Err} }
