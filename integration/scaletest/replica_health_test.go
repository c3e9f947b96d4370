//go:build scaleout

package scaletest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

// seedAccounts flushes n accounts and waits until every replica has them.
func seedAccounts(t *testing.T, tp *topo, n int) {
	t.Helper()
	m := tp.orm.Fork()
	for i := range n {
		if err := m.Persist(&Account{Owner: fmt.Sprintf("acct%d", i), Balance: 100}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	tp.waitReplicated(t)
}

// readsOK runs n finds on fresh forks; each must succeed and see want rows.
// It returns the nodes that answered.
func readsOK(t *testing.T, tp *topo, n, want int) map[string]int {
	t.Helper()
	ctx := context.Background()
	nodes := map[string]int{}
	for i := range n {
		at := tp.ev.mark()
		got, err := em.Find[Account](ctx, tp.orm.Fork(), qb.Cond{"balance": qb.Gte(0)})
		if err != nil {
			t.Fatalf("read %d: %v\n%s", i, err, tp.logs.String())
		}
		if len(got) != want {
			t.Errorf("read %d: %d accounts, want %d", i, len(got), want)
		}
		evs := tp.ev.since(at)
		last := evs[len(evs)-1]
		if last.Err != nil {
			t.Errorf("read %d: last statement failed: %v", i, last.Err)
		}
		nodes[last.Node]++
	}
	return nodes
}

// TestReplicaDown: a standby stopped while the ORM runs is skipped with a
// log line; no read fails; once it is back it serves reads again.
func TestReplicaDown(t *testing.T) {
	pg := need(t, envPGPrimary, envPGReplicas)
	tp := openTopo(t, pgFamily, pg[0], strings.Fields(pg[1]), unitorm.Config{ReplicaCheckInterval: 200 * time.Millisecond})
	seedAccounts(t, tp, 3)
	if nodes := readsOK(t, tp, 4, 3); nodes["replica1"] != 2 || nodes["replica2"] != 2 {
		t.Fatalf("before: reads by node %v, want 2 on each replica", nodes)
	}
	cluster(t, "stop-node", "pg-replicas", "2")
	t.Cleanup(func() { cluster(t, "start-node", "pg-replicas", "2") })
	nodes := readsOK(t, tp, 6, 3)
	if nodes["replica2"] != 0 || nodes["replica1"] == 0 {
		t.Errorf("with replica2 down: reads by node %v", nodes)
	}
	logs := tp.logs.String()
	if !strings.Contains(logs, "replica skipped") || !strings.Contains(logs, "node=replica2") {
		t.Errorf("no log line about replica2 being skipped:\n%s", logs)
	}
	cluster(t, "start-node", "pg-replicas", "2")
	// Back: within a bounded number of reads (each re-probes after the
	// check interval), one is served by replica2 again.
	deadline := time.Now().Add(30 * time.Second)
	for readsOK(t, tp, 2, 3)["replica2"] == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("replica2 serves no read 30s after it came back:\n%s", tp.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLaggingReplicaSkipped: a standby whose replay is paused falls behind
// the bound and is skipped (with a log line) while the other serves
// reads; on MariaDB a replica whose SQL thread is stopped is skipped too
// (its lag is unknown) and reads go to the primary.
func TestLaggingReplicaSkipped(t *testing.T) {
	ctx := context.Background()
	t.Run("pg-replicas", func(t *testing.T) {
		pg := need(t, envPGPrimary, envPGReplicas)
		tp := openTopo(t, pgFamily, pg[0], strings.Fields(pg[1]), unitorm.Config{ReplicaMaxLag: time.Millisecond})
		seedAccounts(t, tp, 2)
		r1 := tp.replicas[0]
		if _, err := r1.ExecContext(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = r1.ExecContext(context.Background(), "SELECT pg_wal_replay_resume()") })
		m := tp.orm.Fork()
		if err := m.Persist(&Account{Owner: "late", Balance: 1}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		// Wait until replica1 has received what it does not replay, and
		// replica2 has replayed the new row.
		waitFor(t, "replica1 behind, replica2 caught up", func() bool {
			var behind bool
			if err := r1.QueryRowContext(ctx, "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()").Scan(&behind); err != nil || !behind {
				return false
			}
			var n int64
			return tp.replicas[1].QueryRowContext(ctx, "SELECT COUNT(*) FROM account").Scan(&n) == nil && n == 3
		})
		nodes := readsOK(t, tp, 4, 3)
		if nodes["replica1"] != 0 || nodes["replica2"] == 0 {
			t.Errorf("reads by node %v: replica1 lags and must be skipped", nodes)
		}
		if logs := tp.logs.String(); !strings.Contains(logs, "node=replica1") || !strings.Contains(logs, "lagging") {
			t.Errorf("no log line about replica1 lagging:\n%s", logs)
		}
	})
	t.Run("mariadb-replica", func(t *testing.T) {
		my := need(t, envMariaPrimary, envMariaReplicas)
		tp := openTopo(t, mariaFamily, my[0], strings.Fields(my[1]), unitorm.Config{})
		seedAccounts(t, tp, 2)
		r1 := tp.replicas[0]
		if _, err := r1.ExecContext(ctx, "STOP SLAVE SQL_THREAD"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = r1.ExecContext(context.Background(), "START SLAVE SQL_THREAD") })
		m := tp.orm.Fork()
		if err := m.Persist(&Account{Owner: "late", Balance: 1}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		nodes := readsOK(t, tp, 3, 3)
		if nodes["replica1"] != 0 || nodes[sqldb.NodePrimary] != 3 {
			t.Errorf("reads by node %v: the stopped replica must be skipped", nodes)
		}
		if logs := tp.logs.String(); !strings.Contains(logs, "node=replica1") || !strings.Contains(logs, "replication is not running") {
			t.Errorf("no log line about replica1:\n%s", logs)
		}
	})
}

// waitFor polls cond (bounded: 60s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 60s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
