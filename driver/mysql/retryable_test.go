package mysql

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/unitorm/unitorm/internal/uow"
)

// TestRetryableNumbers: deadlocks (and Galera's certification failures,
// reported as 1213), lock wait timeouts and MariaDB's 1020 are conflicts;
// 1047 (a Galera node not ready) and a failed dial unavailability.
func TestRetryableNumbers(t *testing.T) {
	for num, want := range map[uint16]error{
		1213: uow.ErrConflict, 1205: uow.ErrConflict, 1020: uow.ErrConflict, 1047: uow.ErrUnavailable,
	} {
		err := ClassifyError(fmt.Errorf("q: %w", &mysql.MySQLError{Number: num}))
		if !errors.Is(err, want) || !uow.IsRetryable(err) {
			t.Errorf("%d: %v", num, err)
		}
		if again := ClassifyError(err); again != err {
			t.Errorf("%d classified twice: %v", num, again)
		}
	}
	dial := ClassifyError(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")})
	if !errors.Is(dial, uow.ErrUnavailable) {
		t.Errorf("dial: %v", dial)
	}
	for _, num := range []uint16{1062, 1452, 1146, 1064} {
		if err := ClassifyError(&mysql.MySQLError{Number: num}); uow.IsRetryable(err) {
			t.Errorf("%d is retryable", num)
		}
	}
	var ce *uow.ConstraintError
	if err := ClassifyError(&mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'a' for key 'k'"}); !errors.As(err, &ce) {
		t.Errorf("1062 is no longer a constraint error: %v", err)
	}
}
