package mongo

import (
	"context"
	"errors"
	"fmt"

	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
)

// Tx is an Executor inside a MongoDB transaction: every operation runs in
// its session (carried in the context, as the official driver does).
//
// MongoDB transactions have no savepoints. Savepoint and Release only keep
// count; RollbackTo aborts the whole transaction and returns
// ErrNoSavepoints, after which the transaction refuses work. A flush that
// fails inside Transactional therefore aborts the transaction.
type Tx struct {
	Executor
	sess       *mongodrv.Session
	savepoints []string
	aborted    bool
	done       bool
	// undo restores what a successful Execute changed in entities (their
	// versions) when the transaction does not commit.
	undo []func()
}

// errTxDone is returned for work on a committed or rolled-back transaction.
var errTxDone = errors.New("mongo: the transaction has already been committed or rolled back")

// errTxAborted is returned for work on a transaction aborted by RollbackTo.
var errTxAborted = errors.New("mongo: the transaction was aborted (RollbackTo); roll it back")

func (t *Tx) check() error {
	switch {
	case t.done:
		return errTxDone
	case t.aborted:
		return errTxAborted
	}
	return nil
}

// Commit commits the transaction and ends its session.
func (t *Tx) Commit(ctx context.Context) error {
	if err := t.check(); err != nil {
		return err
	}
	t.done = true
	defer t.sess.EndSession(context.WithoutCancel(ctx))
	if err := t.sess.CommitTransaction(ctx); err != nil {
		t.restore()
		return fmt.Errorf("mongo: commit: %w", err)
	}
	t.undo = nil
	return nil
}

// Rollback aborts the transaction (unless RollbackTo already did) and ends
// its session.
func (t *Tx) Rollback(ctx context.Context) error {
	if t.done {
		return errTxDone
	}
	t.done = true
	t.restore()
	defer t.sess.EndSession(context.WithoutCancel(ctx))
	if t.aborted {
		return nil
	}
	if err := t.sess.AbortTransaction(ctx); err != nil {
		return fmt.Errorf("mongo: abort: %w", err)
	}
	return nil
}

// Savepoint records a savepoint name; MongoDB has none to create.
func (t *Tx) Savepoint(_ context.Context, name string) error {
	if err := t.check(); err != nil {
		return err
	}
	t.savepoints = append(t.savepoints, name)
	return nil
}

// Release forgets the savepoint name (and those after it).
func (t *Tx) Release(_ context.Context, name string) error {
	if err := t.check(); err != nil {
		return err
	}
	for i := len(t.savepoints) - 1; i >= 0; i-- {
		if t.savepoints[i] == name {
			t.savepoints = t.savepoints[:i]
			return nil
		}
	}
	return fmt.Errorf("mongo: no savepoint %q", name)
}

// RollbackTo cannot roll back part of a MongoDB transaction: it aborts the
// whole transaction and returns ErrNoSavepoints.
func (t *Tx) RollbackTo(ctx context.Context, name string) error {
	if err := t.check(); err != nil {
		return err
	}
	t.aborted = true
	t.restore()
	if err := t.sess.AbortTransaction(ctx); err != nil {
		return errors.Join(fmt.Errorf("%w (rolling back to %s)", ErrNoSavepoints, name), err)
	}
	return fmt.Errorf("%w (rolling back to %s)", ErrNoSavepoints, name)
}

func (t *Tx) restore() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}
