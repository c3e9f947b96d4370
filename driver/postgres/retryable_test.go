package postgres

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/unitorm/unitorm/internal/uow"
)

// TestRetryableCodes: serialization failures and deadlocks are conflicts,
// shutdowns unavailability; both retryable, once wrapped only.
func TestRetryableCodes(t *testing.T) {
	for code, want := range map[string]error{
		"40001": uow.ErrConflict, "40P01": uow.ErrConflict,
		"57P01": uow.ErrUnavailable, "57P02": uow.ErrUnavailable, "57P03": uow.ErrUnavailable,
	} {
		err := ClassifyError(fmt.Errorf("q: %w", &pgconn.PgError{Code: code}))
		if !errors.Is(err, want) || !uow.IsRetryable(err) {
			t.Errorf("%s: %v", code, err)
		}
		if again := ClassifyError(err); again != err {
			t.Errorf("%s classified twice: %v", code, again)
		}
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != code {
			t.Errorf("%s: the server's error is not kept", code)
		}
	}
	for _, code := range []string{"23505", "42P01", "22001", "25P02"} {
		if err := ClassifyError(&pgconn.PgError{Code: code}); uow.IsRetryable(err) {
			t.Errorf("%s is retryable", code)
		}
	}
}
