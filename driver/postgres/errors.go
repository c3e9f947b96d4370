package postgres

import (
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/uow"
)

// ClassifyError turns PostgreSQL's constraint violation into a *uow.ConstraintError
// that wraps it; any other error is returned as it is.
//
// The kind always comes from the error's code, and the constraint, table
// and columns from the server's structured fields, so that a value quoted in the message can never change
// them. Where a message cannot be read unambiguously, those fields stay
// empty.
func ClassifyError(err error) error { return sqlconn.Classify(err, classifyPostgres) }

// classifyPostgres reads only the fields of the error response (code,
// constraint, table, column), never its message or detail, which quote
// the values.
func classifyPostgres(err error, e *pgconn.PgError) error {
	var kind uow.ConstraintKind
	switch e.Code {
	case "23505":
		kind = uow.UniqueConstraint
	case "23503":
		kind = uow.ForeignKeyConstraint
	case "23502":
		kind = uow.NotNullConstraint
	case "23514":
		kind = uow.CheckConstraint
	case "42703": // undefined_column: column "x" does not exist / column e0.x does not exist
		return &uow.SchemaError{Object: "column", Name: pgObjectName(e.Message, "column "), Err: err}
	case "42P01": // undefined_table: relation "x" does not exist
		return &uow.SchemaError{Object: "table", Name: pgObjectName(e.Message, "relation "), Err: err}
	default:
		if !strings.HasPrefix(e.Code, "23") {
			return err
		}
	}
	ce := &uow.ConstraintError{Kind: kind, Constraint: e.ConstraintName, Table: e.TableName, Err: err}
	if e.ColumnName != "" {
		ce.Columns = []string{e.ColumnName}
	}
	return ce
}

// pgObjectName reads the name in "<prefix><name> does not exist".
func pgObjectName(msg, prefix string) string {
	name, ok := strings.CutPrefix(msg, prefix)
	if !ok {
		return ""
	}
	name, ok = strings.CutSuffix(name, " does not exist")
	if !ok {
		return ""
	}
	return strings.Trim(name, `"`)
}
