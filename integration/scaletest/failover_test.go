//go:build scaleout

package scaletest

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/postgres"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// TestPostgresFailover: the primary stops in the middle of a transaction
// that has flushed: the transaction fails with a retryable error and none
// of it is kept. A standby is promoted; the same ORM, whose DSN lists the
// primary and that standby with target_session_attrs=read-write, carries
// on writing to the new primary without a restart. The topology is
// rebuilt afterwards.
func TestPostgresFailover(t *testing.T) {
	ctx := context.Background()
	pg := need(t, envPGPrimary, envPGReplicas)
	standby := strings.Fields(pg[1])[0]
	t.Cleanup(func() {
		cluster(t, "down", "pg-replicas")
		cluster(t, "up", "pg-replicas")
	})
	tp := openTopo(t, pgFamily, pg[0], []string{standby}, unitorm.Config{})
	dsn := bothHosts(t, pg[0], standby) + "&target_session_attrs=read-write&search_path=" + tp.ns
	o, err := unitorm.Open(ctx, postgres.Open(dsn), unitorm.Config{Entities: entities})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = o.Close() })
	seed := o.Fork()
	for _, owner := range []string{"a", "b", "c"} {
		if err := seed.Persist(&Account{Owner: owner}); err != nil {
			t.Fatal(err)
		}
	}
	if err := seed.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	tp.waitReplicated(t)

	err = o.Fork().Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
		if err := tm.Persist(&Entry{Worker: 1, Seq: 1}); err != nil {
			return err
		}
		if err := tm.Flush(ctx); err != nil { // written, not committed
			return err
		}
		cluster(t, "stop-node", "pg-replicas", "0")
		return tm.Persist(&Entry{Worker: 1, Seq: 2})
	})
	if err == nil || !unitorm.IsRetryable(err) {
		t.Fatalf("flush across the primary's shutdown: %v, want a retryable error", err)
	}
	if !errors.Is(err, unitorm.ErrTransactionLost) {
		t.Errorf("want ErrTransactionLost, got %v", err)
	}

	cluster(t, "promote", "pg-replicas", "1")
	err = o.Fork().Transactional(ctx, func(ctx context.Context, tm *em.EntityManager) error {
		a, err := em.FindOneOrFail[Account](ctx, tm, qb.Cond{"owner": "a"})
		if err != nil {
			return err
		}
		a.Balance = 10
		return tm.Persist(&Entry{Worker: 2, Seq: 1})
	}, em.TxOptions{Retries: 20, RetryBackoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("after promotion: %v", err)
	}
	check := o.Fork()
	entries, err := em.Find[Entry](ctx, check, qb.Cond{})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Worker != 2 {
		t.Errorf("entries on the new primary: %+v, want only the one written after promotion", entries)
	}
	if n, err := em.Count[Account](ctx, check, qb.Cond{"balance": 10}); err != nil || n != 1 {
		t.Errorf("%d accounts updated after promotion (%v), want 1", n, err)
	}
}

// bothHosts returns primary's URL with standby's host added to its hosts.
func bothHosts(t *testing.T, primary, standby string) string {
	t.Helper()
	p, err := url.Parse(primary)
	if err != nil {
		t.Fatal(err)
	}
	s, err := url.Parse(standby)
	if err != nil {
		t.Fatal(err)
	}
	p.Host += "," + s.Host
	out := p.String()
	if !strings.Contains(out, "?") {
		out += "?"
	}
	return out
}
