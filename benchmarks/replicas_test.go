package benchmarks

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/postgres"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// ReplicaRow is the row the replica benchmark reads.
type ReplicaRow struct {
	ID    int64 `orm:"pk"`
	Name  string
	Score int64
}

const replicaRows = 10000

// BenchmarkReplicaReads is read throughput with 0, 1 and 2 read replicas
// on the pg-replicas topology of scripts/cluster.sh (its variables
// UNITORM_PG_PRIMARY_DSN and UNITORM_PG_REPLICA_DSNS; skipped without
// them), and the same reads sent straight to a standby (standby-direct).
// Each op is a fresh fork finding 20 rows by key range outside a
// transaction (by primary key); 8 goroutines per core. Reported: reads/s.
func BenchmarkReplicaReads(b *testing.B) {
	primary := os.Getenv("UNITORM_PG_PRIMARY_DSN")
	replicas := strings.Fields(os.Getenv("UNITORM_PG_REPLICA_DSNS"))
	if primary == "" || len(replicas) < 2 {
		b.Skip("pg-replicas topology not up: scripts/cluster.sh up pg-replicas && eval \"$(scripts/cluster.sh env)\"")
	}
	ctx := context.Background()
	scoped := func(dsn string) string {
		d, err := withParam(dsn, "search_path", runID+"_rep")
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	conn, err := pgx.Connect(ctx, primary)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+runID+"_rep"); err != nil {
		b.Fatal(err)
	}
	defer conn.Exec(context.Background(), "DROP SCHEMA "+runID+"_rep CASCADE")
	seed, err := unitorm.Open(ctx, postgres.Open(scoped(primary)), unitorm.Config{Entities: []any{ReplicaRow{}}})
	if err != nil {
		b.Fatal(err)
	}
	if err := seed.CreateSchema(ctx); err != nil {
		b.Fatal(err)
	}
	m := seed.Fork()
	for i := range replicaRows {
		if err := m.Persist(&ReplicaRow{Name: fmt.Sprintf("row%d", i), Score: int64(i)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	seed.Close()
	// Hint bits and the visibility map set on the primary and replicated,
	// so that no server pays for first reads.
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE "+runID+"_rep.replica_row"); err != nil {
		b.Fatal(err)
	}
	for _, r := range replicas[:2] {
		waitRows(b, scoped(r))
	}
	// replicas=0,1,2 open the primary with that many replicas;
	// standby-direct opens a standby as if it were the primary (no
	// router), to tell the router's cost from the standby server's.
	for k := 0; k <= 3; k++ {
		name := fmt.Sprintf("replicas=%d", k)
		if k == 3 {
			name = "standby-direct"
		}
		b.Run(name, func(b *testing.B) {
			cfg := unitorm.Config{Entities: []any{ReplicaRow{}}}
			target := primary
			if k == 3 {
				target = replicas[0]
			} else {
				for _, r := range replicas[:k] {
					cfg.Replicas = append(cfg.Replicas, postgres.Open(scoped(r)))
				}
			}
			orm, err := unitorm.Open(ctx, postgres.Open(scoped(target)), cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer orm.Close()
			b.SetParallelism(8)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					lo := (i * 7919) % (replicaRows - 20)
					i++
					ids := make([]any, 20)
					for j := range ids {
						ids[j] = int64(lo + 1 + j)
					}
					rows, err := em.Find[ReplicaRow](ctx, orm.Fork(), qb.Cond{"id": qb.In(ids...)})
					if err != nil {
						b.Error(err)
						return
					}
					if len(rows) == 0 {
						b.Error("no rows")
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reads/s")
		})
	}
}

// waitRows waits (bounded) until a replica has the seeded rows.
func waitRows(b *testing.B, dsn string) {
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := pgx.Connect(ctx, dsn)
		if err == nil {
			var n int64
			err = c.QueryRow(ctx, "SELECT COUNT(*) FROM replica_row").Scan(&n)
			c.Close(ctx)
			if err == nil && n == replicaRows {
				return
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("replica %s has not the rows after 60s: %v", dsn, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
