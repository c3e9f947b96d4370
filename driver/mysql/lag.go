package mysql

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/unitorm/unitorm/qb"
)

// errReplicationStopped is a replica's probe error when its replication
// threads are not running (Seconds_Behind_Master is NULL).
var errReplicationStopped = errors.New("mysql: replication is not running on this replica (Seconds_Behind_Master is NULL)")

// replicaLag reports a replica's Seconds_Behind_Master (0 on a server that
// replicates from nobody), the replica router's probe.
func replicaLag(ctx context.Context, query func(ctx context.Context, sql string) (qb.Rows, error)) (time.Duration, error) {
	rows, err := query(ctx, "SHOW SLAVE STATUS")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, rows.Err()
	}
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return 0, err
	}
	for i, c := range cols {
		if c != "Seconds_Behind_Master" {
			continue
		}
		var s string
		switch v := vals[i].(type) {
		case nil:
			return 0, errReplicationStopped
		case []byte:
			s = string(v)
		case string:
			s = v
		case int64:
			return time.Duration(v) * time.Second, rows.Close()
		case uint64:
			return time.Duration(v) * time.Second, rows.Close()
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, err
		}
		return time.Duration(n) * time.Second, rows.Close()
	}
	return 0, rows.Close()
}
