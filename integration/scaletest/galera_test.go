//go:build scaleout

package scaletest

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/mysql"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// galera is a namespace on the Galera cluster and an ORM per node.
type galera struct {
	ns    string
	nodes []string // one DSN per node, scoped to ns, reads causal
	orms  []*unitorm.ORM
}

// openGalera creates a database on node 0, waits until every node has it,
// and opens an ORM on each node.
func openGalera(t *testing.T) *galera {
	t.Helper()
	ctx := context.Background()
	dsns := strings.Fields(need(t, envGalera)[0])
	g := &galera{ns: fmt.Sprintf("galera_%d", rand.Uint32())}
	admin := openDB(t, mariaFamily, dsns[0])
	if _, err := admin.ExecContext(ctx, mariaFamily.create(g.ns)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), mariaFamily.drop(g.ns)) })
	for _, d := range dsns {
		// wsrep_sync_wait=1: a read waits until the node has applied what
		// the cluster committed before it.
		scoped := mariaFamily.scoped(d, g.ns) + "?wsrep_sync_wait=1"
		waitNamespace(t, mariaFamily, scoped)
		g.nodes = append(g.nodes, scoped)
		o, err := unitorm.Open(ctx, mysql.OpenMariaDB(scoped), unitorm.Config{Entities: entities})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = o.Close() })
		g.orms = append(g.orms, o)
	}
	if err := g.orms[0].CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	return g
}

// multiNode returns a DSN listing every node, starting at node first.
func (g *galera) multiNode(first int) string {
	var addrs []string
	for k := range g.nodes {
		d := g.nodes[(first+k)%len(g.nodes)]
		addrs = append(addrs, d[strings.Index(d, "tcp(")+4:strings.Index(d, ")")])
	}
	d := g.nodes[0]
	return d[:strings.Index(d, "tcp(")+4] + strings.Join(addrs, ",") + d[strings.Index(d, ")"):]
}

// TestGaleraFlushThroughAnyNode: a flush through each node is seen by
// every node.
func TestGaleraFlushThroughAnyNode(t *testing.T) {
	ctx := context.Background()
	g := openGalera(t)
	for i, o := range g.orms {
		m := o.Fork()
		if err := m.Persist(&Account{Owner: fmt.Sprintf("via%d", i), Balance: int64(i)},
			&Entry{Worker: i, Seq: 1}, &Entry{Worker: i, Seq: 2}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("flush through node %d: %v", i, err)
		}
	}
	for j, o := range g.orms {
		as, err := em.Find[Account](ctx, o.Fork(), qb.Cond{}, em.OrderBy("owner", qb.Asc))
		if err != nil {
			t.Fatal(err)
		}
		var owners []string
		for _, a := range as {
			owners = append(owners, a.Owner)
		}
		if strings.Join(owners, ",") != "via0,via1,via2" {
			t.Errorf("node %d sees %v", j, owners)
		}
		if n, err := em.Count[Entry](ctx, o.Fork(), qb.Cond{}); err != nil || n != 6 {
			t.Errorf("node %d sees %d entries (%v), want 6", j, n, err)
		}
	}
}

// TestGaleraConflict: two transactions update the same row through two
// nodes and commit at once: certification lets one commit and aborts the
// other with a retryable ErrConflict (MariaDB reports error 1213); run
// again, it succeeds. With Retries, both succeed and both increments
// count.
func TestGaleraConflict(t *testing.T) {
	ctx := context.Background()
	g := openGalera(t)
	acct := &Account{Owner: "shared"}
	m := g.orms[0].Fork()
	if err := m.Persist(acct); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	bump := func(node int, r *rendezvous, retries int) error {
		first := true
		return g.orms[node].Fork().Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
			a, err := em.FindOneOrFail[Account](ctx, tm, acct.ID)
			if err != nil {
				return err
			}
			a.Balance++
			if err := tm.Flush(ctx); err != nil {
				return err
			}
			if first {
				first = false
				r.meet() // both have written locally; both commit now
			}
			return nil
		}, em.TxOptions{Retries: retries, RetryBackoff: time.Millisecond})
	}
	r := newRendezvous(2)
	errs := pair(func(i int) error { return bump(i, r, 0) })
	oneConflict(t, errs)
	for _, err := range errs {
		if err != nil && !strings.Contains(err.Error(), "1213") {
			t.Errorf("the conflict is not MariaDB's 1213: %v", err)
		}
	}
	// The loser runs again and succeeds.
	for i, err := range errs {
		if err != nil {
			if err := bump(i, newRendezvous(1), 0); err != nil {
				t.Fatalf("retry by hand: %v", err)
			}
		}
	}
	r = newRendezvous(2)
	if errs := pair(func(i int) error { return bump(i, r, 5) }); errs[0] != nil || errs[1] != nil {
		t.Fatalf("with retries: %v", errs)
	}
	got, err := em.FindOneOrFail[Account](ctx, g.orms[2].Fork(), acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Balance != 4 || got.Version != 5 {
		t.Errorf("balance %d version %d, want 4 and 5", got.Balance, got.Version)
	}
}

// TestGaleraNodeLossUnderLoad: workers flush through multi-node DSNs
// (each starting on a different node) while one node is killed. Every
// flush reported committed is in the database exactly once, nothing is
// duplicated, and each worker's counter row matches its entries (count
// and version): no transaction was half applied.
func TestGaleraNodeLossUnderLoad(t *testing.T) {
	ctx := context.Background()
	g := openGalera(t)
	const workers, ops = 6, 15
	counters := make([]*Account, workers)
	m := g.orms[0].Fork()
	for w := range workers {
		counters[w] = &Account{Owner: fmt.Sprintf("w%d", w)}
		if err := m.Persist(counters[w]); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cluster(t, "start-node", "galera", "2") })
	var (
		committed atomic.Int32
		killed    = make(chan struct{})
		mu        sync.Mutex
		ok        = map[[2]int]bool{} // (worker, seq) reported committed
		unknown   = map[[2]int]error{}
		wg        sync.WaitGroup
	)
	quiet := slog.New(slog.NewTextHandler(&syncBuffer{}, nil))
	for w := range workers {
		o, err := unitorm.Open(ctx, mysql.OpenMariaDB(g.multiNode(w%3)), unitorm.Config{Entities: entities, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = o.Close() })
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := range ops {
				if seq == ops/2 {
					<-killed // half the load after the node is gone
				}
				err := o.Fork().Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
					c, err := em.FindOneOrFail[Account](ctx, tm, counters[w].ID)
					if err != nil {
						return err
					}
					c.Balance++
					return tm.Persist(&Entry{Worker: w, Seq: seq})
				}, em.TxOptions{Retries: 10, RetryBackoff: 20 * time.Millisecond})
				mu.Lock()
				if err == nil {
					ok[[2]int{w, seq}] = true
				} else {
					unknown[[2]int{w, seq}] = err
				}
				mu.Unlock()
				committed.Add(1)
			}
		}()
	}
	waitFor(t, "a third of the load committed", func() bool { return committed.Load() >= workers*ops/3 })
	cluster(t, "stop-node", "galera", "2", "KILL")
	close(killed)
	wg.Wait()
	for k, err := range unknown {
		t.Logf("worker %d seq %d: %v", k[0], k[1], err)
	}
	if len(ok) < workers*ops/2 {
		t.Errorf("only %d of %d flushes committed", len(ok), workers*ops)
	}
	// Every worker, those whose first node was the killed one included,
	// went on committing after the kill: their pools moved to live nodes.
	for w := range workers {
		after := 0
		for seq := ops / 2; seq < ops; seq++ {
			if ok[[2]int{w, seq}] {
				after++
			}
		}
		if after == 0 {
			t.Errorf("worker %d (first node %d) committed nothing after the node was killed", w, w%3)
		}
	}
	// Check through a surviving node.
	check := g.orms[0].Fork()
	entries, err := em.Find[Entry](ctx, check, qb.Cond{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[2]int]int{}
	perWorker := make([]int, workers)
	for _, e := range entries {
		k := [2]int{e.Worker, e.Seq}
		seen[k]++
		perWorker[e.Worker]++
		if seen[k] > 1 {
			t.Errorf("worker %d seq %d written twice", e.Worker, e.Seq)
		}
		if !ok[k] && unknown[k] == nil {
			t.Errorf("worker %d seq %d is in the database but was never flushed", e.Worker, e.Seq)
		}
	}
	for k := range ok {
		if seen[k] == 0 {
			t.Errorf("worker %d seq %d was reported committed but is missing", k[0], k[1])
		}
	}
	for w, c := range counters {
		got, err := em.FindOneOrFail[Account](ctx, check, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Balance != int64(perWorker[w]) || got.Version != perWorker[w]+1 {
			t.Errorf("worker %d: counter %d version %d, but %d entries", w, got.Balance, got.Version, perWorker[w])
		}
	}
}
