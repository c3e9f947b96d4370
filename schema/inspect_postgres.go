package schema

import (
	"context"

	"github.com/unitorm/unitorm/dialect"
)

// pgInspector reads PostgreSQL's catalog, limited to current_schema().
type pgInspector struct{}

func (pgInspector) Tables(ctx context.Context, q Querier) ([]string, error) {
	return queryStrings(ctx, q, `SELECT c.relname FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
ORDER BY c.relname`)
}

func init() { RegisterInspector(dialect.Postgres, pgInspector{}) }
