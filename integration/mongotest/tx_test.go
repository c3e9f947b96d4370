package mongotest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/mongo"
)

// TestTransactions checks both documented behaviours: on a server without
// transactions (FerretDB, standalone) Transactional and Begin are refused
// at start with a reason, and flushes still work; on a replica set they
// commit and roll back.
func TestTransactions(t *testing.T) {
	e := newEnv(t)
	m := e.fork()
	if !e.drv.NoTransactions() {
		testRealTransactions(t, e)
		return
	}
	called := false
	mark := e.mon.mark()
	err := m.Transactional(e.ctx, func(ctx context.Context, tm *em.EntityManager) error {
		called = true
		return tm.Persist(&Author{Name: "in tx", Email: "tx@x"})
	})
	if !errors.Is(err, mongo.ErrTransactionsUnsupported) {
		t.Fatalf("Transactional: %v, want mongo.ErrTransactionsUnsupported", err)
	}
	var te *mongo.TransactionsError
	if !errors.As(err, &te) || te.Reason == "" || !strings.Contains(err.Error(), "cannot run transactions") {
		t.Fatalf("the error %q does not say why", err)
	}
	t.Logf("refused: %v", err)
	if called {
		t.Fatal("Transactional ran its function without a transaction")
	}
	if err := m.Begin(e.ctx); !errors.Is(err, mongo.ErrTransactionsUnsupported) {
		t.Fatalf("Begin: %v", err)
	}
	if m.InTransaction() {
		t.Fatal("a refused Begin left a transaction open")
	}
	if got := e.mon.names(mark); len(got) != 0 {
		t.Fatalf("refused transactions sent %v", got)
	}
	// Implicit transactions are off: flushes of several steps still run.
	a := &Author{Name: "no tx", Email: "notx@x"}
	if err := m.Persist(a, &Book{Title: "b", Author: a}); err != nil {
		t.Fatal(err)
	}
	e.flush(m)
	if a.ID == "" {
		t.Fatal("flush without a transaction wrote nothing")
	}
}

func testRealTransactions(t *testing.T, e *env) {
	m := e.fork()
	a := &Author{Name: "committed", Email: "c@x"}
	err := m.Transactional(e.ctx, func(ctx context.Context, tm *em.EntityManager) error {
		return tm.Persist(a)
	})
	if err != nil || a.ID == "" {
		t.Fatalf("Transactional: %v, key %q", err, a.ID)
	}
	boom := errors.New("boom")
	b := &Author{Name: "rolled back", Email: "r@x"}
	err = m.Transactional(e.ctx, func(ctx context.Context, tm *em.EntityManager) error {
		if err := tm.Persist(b); err != nil {
			return err
		}
		if err := tm.Flush(ctx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Transactional: %v, want boom", err)
	}
	n, err := em.Count[Author](e.ctx, e.fork(), nil)
	if err != nil || n != 1 {
		t.Fatalf("%d authors after a rolled-back transaction, %v; want 1", n, err)
	}
}
