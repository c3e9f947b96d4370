package schema

import (
	"context"
	"fmt"

	"github.com/unitorm/unitorm/dialect"
)

// Inspect reads the live schema of db: all base tables of its current schema
// or database.
func Inspect(ctx context.Context, db DB) (*Schema, error) {
	in, err := InspectorFor(db.Dialect())
	if err != nil {
		return nil, err
	}
	return in.Inspect(ctx, db, db.Dialect(), nil)
}

func (pgInspector) Inspect(ctx context.Context, q Querier, d dialect.Dialect, tables []string) (*Schema, error) {
	return nil, fmt.Errorf("%w: inspect not written yet", ErrUnsupportedChange)
}

func (mysqlInspector) Inspect(ctx context.Context, q Querier, d dialect.Dialect, tables []string) (*Schema, error) {
	return nil, fmt.Errorf("%w: inspect not written yet", ErrUnsupportedChange)
}

func (sqliteInspector) Inspect(ctx context.Context, q Querier, d dialect.Dialect, tables []string) (*Schema, error) {
	return nil, fmt.Errorf("%w: inspect not written yet", ErrUnsupportedChange)
}
