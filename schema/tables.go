package schema

import (
	"context"
	"fmt"
	"sync"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

// Querier runs queries: any qb.Runner (sqldb's DB, executors and
// transactions) is one.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (qb.Rows, error)
}

// Inspector reads a database's catalog. Each database family has its own
// catalog (pg_catalog, information_schema, sqlite_master), so inspectors are
// registered per dialect value rather than chosen by a capability.
type Inspector interface {
	// Tables lists the base tables of the current schema or database.
	Tables(ctx context.Context, q Querier) ([]string, error)
	// Inspect reads the given tables (all when tables is nil).
	Inspect(ctx context.Context, q Querier, d dialect.Dialect, tables []string) (*Schema, error)
}

var (
	inspectorsMu sync.RWMutex
	inspectors   = map[dialect.Dialect]Inspector{}
)

// RegisterInspector sets the catalog reader for dialect d (a custom dialect,
// or a replacement for a built-in one).
func RegisterInspector(d dialect.Dialect, in Inspector) {
	inspectorsMu.Lock()
	defer inspectorsMu.Unlock()
	inspectors[d] = in
}

// InspectorFor returns the catalog reader registered for d.
func InspectorFor(d dialect.Dialect) (Inspector, error) {
	inspectorsMu.RLock()
	defer inspectorsMu.RUnlock()
	in, ok := inspectors[d]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrNoInspector, d.Name())
	}
	return in, nil
}

// ListTables lists the base tables of db's current schema (PostgreSQL),
// database (MySQL, MariaDB) or file (SQLite), sorted by name.
func ListTables(ctx context.Context, db DB) ([]string, error) {
	in, err := InspectorFor(db.Dialect())
	if err != nil {
		return nil, err
	}
	return in.Tables(ctx, db)
}

// queryStrings runs a query returning one string column.
func queryStrings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("schema: inspect: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("schema: inspect: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schema: inspect: %w", err)
	}
	return out, nil
}
