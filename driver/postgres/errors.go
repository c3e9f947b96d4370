package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/unitorm/unitorm/internal/sqlconn"
	"github.com/unitorm/unitorm/internal/uow"
)

// ClassifyError turns PostgreSQL's constraint violation into a *uow.ConstraintError
// that wraps it; any other error is returned as it is.
//
// The kind always comes from the error's code, and the constraint, table
// and columns from the server's structured fields, so that a value quoted in the message can never change
// them. Where a message cannot be read unambiguously, those fields stay
// empty.
//
// Serialization failures (40001) and deadlocks (40P01) wrap
// uow.ErrConflict, and a server that could not be reached (or is shutting
// down, 57P01-57P03) uow.ErrUnavailable: both are retryable.
func ClassifyError(err error) error {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && !uow.IsRetryable(err) {
		return fmt.Errorf("%w: %w", uow.ErrUnavailable, err)
	}
	return sqlconn.Classify(err, classifyPostgres)
}

// classifyPostgres reads only the fields of the error response (code,
// constraint, table, column), never its message or detail, which quote
// the values.
func classifyPostgres(err error, e *pgconn.PgError) error {
	var kind uow.ConstraintKind
	switch e.Code {
	case "40001", "40P01":
		if uow.IsRetryable(err) {
			return err
		}
		return fmt.Errorf("%w: %w", uow.ErrConflict, err)
	case "57P01", "57P02", "57P03": // admin shutdown, crash shutdown, cannot connect now
		if uow.IsRetryable(err) {
			return err
		}
		return fmt.Errorf("%w: %w", uow.ErrUnavailable, err)
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
