package em

import (
	"context"
	"errors"
	"fmt"
)

// Transactional runs fn in a transaction with a fork of m that uses it:
// fn's finds read inside the transaction, and what fn persists or changes is
// flushed before the commit. On success the fork's entities join m's
// identity map. When fn returns an error or panics, the transaction rolls
// back, the fork is discarded, and m is as it was. Called on an EntityManager
// that is already in a transaction, it uses a savepoint instead.
func (m *EntityManager) Transactional(ctx context.Context, fn func(ctx context.Context, tm *EntityManager) error, opts ...TxOptions) (err error) {
	if err := m.check(); err != nil {
		return err
	}
	if m.flushing {
		return ErrFlushInProgress
	}
	tm := m.Fork()
	tm.parent = m
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
	} else {
		var o *TxOptions
		if len(opts) > 0 {
			o = &opts[0]
		}
		if tx, err = m.s.Driver.Begin(ctx, o); err != nil {
			return err
		}
	}
	tm.tx = tx
	undo := func() error {
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
	if err := fn(ctx, tm); err != nil {
		if rbErr := undo(); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		return err
	}
	if err := tm.Flush(ctx); err != nil {
		if rbErr := undo(); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		return err
	}
	if savepoint != "" {
		err = tx.Release(ctx, savepoint)
	} else {
		err = tx.Commit(ctx)
	}
	if err != nil {
		_ = undo()
		return err
	}
	m.adopt(tm)
	return nil
}

// adopt moves the entities tracked by a committed transactional fork into
// m, keeping m's own instance where both track the same row.
func (m *EntityManager) adopt(tm *EntityManager) {
	im := m.uow.IdentityMap()
	for _, en := range tm.uow.IdentityMap().Entries() {
		if _, ok := im.EntryOf(en.Ptr); ok {
			continue
		}
		if k, ok := en.Key(); ok {
			if _, taken := im.Lookup(k); taken {
				continue
			}
		}
		m.uow.Adopt(en)
	}
}

// Begin opens a transaction on m: finds and flushes use it until Commit or
// Rollback. Prefer Transactional, which cannot leak an open transaction.
func (m *EntityManager) Begin(ctx context.Context, opts ...TxOptions) error {
	if err := m.check(); err != nil {
		return err
	}
	if m.tx != nil {
		return fmt.Errorf("unitorm: a transaction is already open on this EntityManager")
	}
	var o *TxOptions
	if len(opts) > 0 {
		o = &opts[0]
	}
	tx, err := m.s.Driver.Begin(ctx, o)
	if err != nil {
		return err
	}
	m.tx, m.ownTx = tx, true
	return nil
}

// Commit flushes pending changes and commits the transaction opened by
// Begin. When the flush fails the transaction stays open.
func (m *EntityManager) Commit(ctx context.Context) error {
	if m.tx == nil || !m.ownTx {
		return ErrNoTransaction
	}
	if err := m.Flush(ctx); err != nil {
		return err
	}
	tx := m.tx
	m.tx, m.ownTx = nil, false
	return tx.Commit(ctx)
}

// Rollback rolls back the transaction opened by Begin. What was flushed
// inside it is undone in the database but not in memory, so the identity
// map is cleared: load again what you need.
func (m *EntityManager) Rollback(ctx context.Context) error {
	if m.tx == nil || !m.ownTx {
		return ErrNoTransaction
	}
	tx := m.tx
	m.tx, m.ownTx = nil, false
	m.uow.Clear()
	return tx.Rollback(ctx)
}
