package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/unitorm/unitorm/qb"
)

// lagQuery is a hot standby's replay lag in seconds: 0 on a primary, and 0
// on a standby that has replayed all it received (an idle primary sends no
// new transactions, so the last replay timestamp alone would grow old).
const lagQuery = `SELECT CASE
	WHEN NOT pg_is_in_recovery() THEN 0
	WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
	ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
	END::float8`

// replicaLag reports a standby's replication lag (the replica router's
// probe).
func replicaLag(ctx context.Context, query func(ctx context.Context, sql string) (qb.Rows, error)) (time.Duration, error) {
	rows, err := query(ctx, lagQuery)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return 0, err
		}
		return 0, sql.ErrNoRows
	}
	var secs float64
	if err := rows.Scan(&secs); err != nil {
		return 0, err
	}
	return time.Duration(secs * float64(time.Second)), rows.Close()
}
