package schema

import (
	"context"

	"github.com/unitorm/unitorm/dialect"
)

// sqliteInspector reads SQLite's sqlite_master and table pragmas.
type sqliteInspector struct{}

func (sqliteInspector) Tables(ctx context.Context, q Querier) ([]string, error) {
	return queryStrings(ctx, q, `SELECT name FROM sqlite_master
WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
}

func init() { RegisterInspector(dialect.SQLite, sqliteInspector{}) }
