package em

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Transactional runs fn in a transaction with a fork of m that uses it. The
// fork starts with m's identity map (the same entity instances), so fn can
// change entities m loaded; fn's finds read inside the transaction, and what
// fn persists or changes is flushed before the commit. On success m takes
// over the fork's identity map. When fn returns an error or panics, the
// transaction rolls back and the fork is discarded: m keeps its own records,
// and what the fork's flushes set in entities (generated keys, versions,
// collection diffs) is put back, so m still sees fn's changes as pending.
// Called on an EntityManager that is already in a transaction, it uses a
// savepoint instead.
//
// With TxOptions.Retries, fn runs on a fresh fork instead (an empty
// identity map, not m's), and when an attempt fails with a retryable error
// (IsRetryable: a serialization failure, deadlock, Galera certification
// failure, lost connection) the whole transaction runs again on a new
// fresh fork, after a backoff, up to Retries more times: see retry.go.
//
// While fn runs, m is busy: a call on m (from fn or from anywhere else) is
// ErrConcurrentUse. fn works through tm.
func (m *EntityManager) Transactional(ctx context.Context, fn func(ctx context.Context, tm *EntityManager) error, opts ...TxOptions) (err error) {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	if m.flushing {
		return ErrFlushInProgress
	}
	var o TxOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Retries > 0 && m.tx == nil {
		return m.retryTransactional(ctx, fn, o)
	}
	return m.transactional(ctx, fn, o, true)
}

// transactional is one run of Transactional. seed: the fork starts with
// m's identity map and m takes the fork's over on success; otherwise the
// fork starts empty and m's identity map is left as it is.
func (m *EntityManager) transactional(ctx context.Context, fn func(ctx context.Context, tm *EntityManager) error, opts TxOptions, seed bool) (err error) {
	tm := m.Fork()
	tm.parent = m
	if seed {
		tm.uow.Seed(m.uow)
		defer func() {
			// Rolled back: the entities' collections go back to m's Unit of
			// Work (committed, m took the fork's).
			if m.uow != tm.uow {
				m.uow.Rebind()
			}
		}()
	}
	var (
		tx        Tx
		savepoint string
	)
	if m.tx != nil {
		tx = m.tx
		m.txDepth++
		savepoint = fmt.Sprintf("unitorm_tx_%d", m.txDepth)
		defer func() { m.txDepth-- }()
		if err := tx.Savepoint(ctx, savepoint); err != nil {
			return err
		}
		tm.txDepth = m.txDepth
	} else if tx, err = m.s.Driver.Begin(ctx, opts.sql()); err != nil {
		return err
	}
	tm.tx = tx
	undo := func() error {
		for i := len(tm.committed) - 1; i >= 0; i-- {
			tm.committed[i].UndoCommit()
		}
		tm.committed = nil
		rb := context.WithoutCancel(ctx)
		if savepoint != "" {
			return tx.RollbackTo(rb, savepoint)
		}
		return tx.Rollback(rb)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = undo()
			panic(p)
		}
	}()
	if err := m.runTxFunc(ctx, fn, tm); err != nil {
		if rbErr := undo(); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		return err
	}
	// The last flush needs no savepoint: if it fails, everything rolls back.
	if err := tm.finalFlush(ctx); err != nil {
		if rbErr := undo(); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		return err
	}
	if savepoint != "" {
		err = tx.Release(ctx, savepoint)
	} else {
		err = commitTx(ctx, tx)
	}
	if err != nil {
		_ = undo()
		return err
	}
	m.wrote()
	if !seed {
		return nil
	}
	m.uow = tm.uow
	if m.tx != nil {
		// Inside an outer transaction: its rollback must undo these too.
		m.committed = append(m.committed, tm.committed...)
	}
	return nil
}

// runTxFunc runs Transactional's fn with m marked busy for it.
func (m *EntityManager) runTxFunc(ctx context.Context, fn func(ctx context.Context, tm *EntityManager) error, tm *EntityManager) error {
	prev := m.state.Swap(stateInTxFunc)
	defer m.state.Store(prev)
	return fn(ctx, tm)
}

// finalFlush is Transactional's last flush of the fork, under the fork's
// guard: fn may have handed tm to a goroutine that still uses it.
func (m *EntityManager) finalFlush(ctx context.Context) error {
	entered, err := m.enter()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	return m.flush(ctx, false)
}

// Begin opens a transaction on m: finds and flushes use it until Commit or
// Rollback. Prefer Transactional, which cannot leak an open transaction.
func (m *EntityManager) Begin(ctx context.Context, opts ...TxOptions) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	if m.tx != nil {
		return fmt.Errorf("unitorm: a transaction is already open on this EntityManager")
	}
	var o *sql.TxOptions
	if len(opts) > 0 {
		o = opts[0].sql()
	}
	tx, err := m.s.Driver.Begin(ctx, o)
	if err != nil {
		return err
	}
	m.tx, m.ownTx = tx, true
	return nil
}

// Commit flushes pending changes and commits the transaction opened by
// Begin. When the flush fails the transaction stays open. When COMMIT itself
// fails, nothing was written: entities get their keys and versions back and
// the identity map is cleared, as after Rollback.
func (m *EntityManager) Commit(ctx context.Context) error {
	entered, err := m.enter()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	if m.tx == nil || !m.ownTx {
		return ErrNoTransaction
	}
	if err := m.check(); err != nil {
		return err
	}
	if err := m.flush(ctx, true); err != nil {
		return err
	}
	tx := m.tx
	m.tx, m.ownTx = nil, false
	committed := m.committed
	m.committed = nil
	m.wrote()
	if err := commitTx(ctx, tx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		// Nothing was kept: undo what the flushes set in entities and forget
		// the identity map, as Rollback does.
		for i := len(committed) - 1; i >= 0; i-- {
			committed[i].UndoCommit()
		}
		m.uow.Clear()
		return err
	}
	return nil
}

// Rollback rolls back the transaction opened by Begin. What was flushed
// inside it is undone in the database but not in memory, so the identity
// map is cleared: load again what you need.
func (m *EntityManager) Rollback(ctx context.Context) error {
	entered, err := m.enter()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	if m.tx == nil || !m.ownTx {
		return ErrNoTransaction
	}
	tx := m.tx
	m.tx, m.ownTx = nil, false
	for i := len(m.committed) - 1; i >= 0; i-- {
		m.committed[i].UndoCommit()
	}
	m.committed = nil
	m.uow.Clear()
	return tx.Rollback(ctx)
}
