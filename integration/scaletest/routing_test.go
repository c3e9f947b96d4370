//go:build scaleout

package scaletest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

// replicaTopologies are the primary/replica topologies of cluster.sh.
func replicaTopologies(t *testing.T) []struct {
	name     string
	f        family
	primary  string
	replicas []string
} {
	pg := need(t, envPGPrimary, envPGReplicas)
	my := need(t, envMariaPrimary, envMariaReplicas)
	return []struct {
		name     string
		f        family
		primary  string
		replicas []string
	}{
		{"pg-replicas", pgFamily, pg[0], strings.Fields(pg[1])},
		{"mariadb-replica", mariaFamily, my[0], strings.Fields(my[1])},
	}
}

// TestReplicaRoutingModel runs seeded random sequences of reads, writes,
// transactions and overrides on forks and checks, through query events,
// the node each statement ran on against a model of the routing rules:
// reads outside a transaction go to the replicas in turn until the fork
// writes (then to the primary for the rest of the fork), or when the fork
// is pinned (UsePrimary) or the call asks (OnPrimary); writes, flushes
// and transactions run on the primary. A fork that wrote finds its write.
func TestReplicaRoutingModel(t *testing.T) {
	for _, tc := range replicaTopologies(t) {
		t.Run(tc.name, func(t *testing.T) {
			for _, seed := range []uint64{1, 2, 3} {
				t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
					tp := openTopo(t, tc.f, tc.primary, tc.replicas, unitorm.Config{})
					runRoutingModel(t, tp, len(tc.replicas), seed)
					if t.Failed() {
						t.Log(tp.logs.String())
					}
				})
			}
		})
	}
}

func runRoutingModel(t *testing.T, tp *topo, replicas int, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 14))
	seedFork := tp.orm.Fork()
	for i := range 5 {
		if err := seedFork.Persist(&Account{Owner: fmt.Sprintf("seed%d", i), Balance: 100}); err != nil {
			t.Fatal(err)
		}
	}
	if err := seedFork.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	tp.waitReplicated(t)
	next := 0 // the router's round-robin position
	expectRead := func(primary bool) string {
		if primary {
			return sqldb.NodePrimary
		}
		n := fmt.Sprintf("replica%d", next%replicas+1)
		next++
		return n
	}
	for forkNo := range 6 {
		m := tp.orm.Fork()
		wrote, pinned := false, false
		var mine []string // owners this fork wrote
		for step := range 12 {
			op := rng.IntN(7)
			at := tp.ev.mark()
			where := fmt.Sprintf("fork %d step %d op %d", forkNo, step, op)
			switch op {
			case 0, 1: // find
				want := expectRead(wrote || pinned)
				got, err := em.Find[Account](ctx, m, qb.Cond{"balance": qb.Gte(0)})
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				checkNodes(t, where, tp.ev.since(at), 1, want)
				for _, owner := range mine {
					if !hasOwner(got, owner) {
						t.Errorf("%s: the fork's own write %q is missing from its read", where, owner)
					}
				}
			case 2: // count
				want := expectRead(wrote || pinned)
				if _, err := em.Count[Account](ctx, m, qb.Cond{"balance": qb.Gte(0)}); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				checkNodes(t, where, tp.ev.since(at), 1, want)
			case 3: // one call on the primary
				if _, err := em.Find[Account](em.OnPrimary(ctx), m, qb.Cond{"balance": qb.Gte(0)}); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				checkNodes(t, where, tp.ev.since(at), 1, sqldb.NodePrimary)
			case 4: // flush a new account
				owner := fmt.Sprintf("s%d-f%d-%d", seed, forkNo, step)
				if err := m.Persist(&Account{Owner: owner, Balance: int64(step)}); err != nil {
					t.Fatal(err)
				}
				if err := m.Flush(ctx); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				checkNodes(t, where, tp.ev.since(at), -1, sqldb.NodePrimary)
				wrote = true
				mine = append(mine, owner)
			case 5: // a transaction: its read and its write on the primary
				owner := fmt.Sprintf("s%d-t%d-%d", seed, forkNo, step)
				err := m.Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
					if _, err := em.Find[Account](ctx, tm, qb.Cond{"balance": qb.Gte(0)}); err != nil {
						return err
					}
					return tm.Persist(&Account{Owner: owner})
				})
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				checkNodes(t, where, tp.ev.since(at), -1, sqldb.NodePrimary)
				wrote = true
				mine = append(mine, owner)
			case 6:
				if rng.IntN(3) == 0 {
					m.UsePrimary()
					pinned = true
				}
			}
			if m.ReadsFromPrimary() != (wrote || pinned) {
				t.Fatalf("%s: ReadsFromPrimary is %v, the model says %v", where, m.ReadsFromPrimary(), wrote || pinned)
			}
		}
	}
}

// checkNodes checks that evs ran on node (n of them, unless n < 0).
func checkNodes(t *testing.T, where string, evs []sqldb.QueryEvent, n int, node string) {
	t.Helper()
	if n >= 0 && len(evs) != n {
		t.Errorf("%s: %d statements, want %d: %v", where, len(evs), n, evs)
	}
	if len(evs) == 0 {
		t.Errorf("%s: no statement ran", where)
	}
	for _, ev := range evs {
		if ev.Node != node {
			t.Errorf("%s: %q ran on %s, want %s", where, ev.SQL, ev.Node, node)
		}
	}
}

func hasOwner(as []*Account, owner string) bool {
	for _, a := range as {
		if a.Owner == owner {
			return true
		}
	}
	return false
}

// TestReplicaReadSQL: qb queries through ORM.ReadSQL read from a replica,
// ORM.SQL from the primary.
func TestReplicaReadSQL(t *testing.T) {
	for _, tc := range replicaTopologies(t) {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			tp := openTopo(t, tc.f, tc.primary, tc.replicas, unitorm.Config{})
			at := tp.ev.mark()
			rows, err := qb.Select("id").From("account").Rows(ctx, tp.orm.ReadSQL())
			if err != nil {
				t.Fatal(err)
			}
			_ = rows.Close()
			checkNodes(t, "ReadSQL", tp.ev.since(at), 1, "replica1")
			at = tp.ev.mark()
			rows, err = qb.Select("id").From("account").Rows(ctx, tp.orm.SQL())
			if err != nil {
				t.Fatal(err)
			}
			_ = rows.Close()
			checkNodes(t, "SQL", tp.ev.since(at), 1, sqldb.NodePrimary)
		})
	}
}
