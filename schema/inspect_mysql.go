package schema

import (
	"context"

	"github.com/unitorm/unitorm/dialect"
)

// mysqlInspector reads MySQL's and MariaDB's information_schema, limited to
// DATABASE().
type mysqlInspector struct{}

func (mysqlInspector) Tables(ctx context.Context, q Querier) ([]string, error) {
	return queryStrings(ctx, q, `SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`)
}

func init() {
	RegisterInspector(dialect.MySQL, mysqlInspector{})
	RegisterInspector(dialect.MariaDB, mysqlInspector{})
}
