package em

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Lock locks a managed entity (MikroORM's em.lock).
//
// With LockOptimistic it checks version, the version the caller expects
// (typically one a client sent back, as in an HTTP If-Match header),
// against the entity's version property: when they differ it returns
// ErrOptimisticLock at once, naming the entity, its key and both
// versions. Without a version (none given, or nil) nothing is checked, as in
// MikroORM, but the entity must still be versioned. An unloaded reference is loaded first (one query); a loaded
// entity costs no query. A matching version does not lock the row: the next
// flush still checks the version in its UPDATE or DELETE, so a change made
// by someone else in between fails there with ErrOptimisticLock. version is
// an integer for an integer version property (any integer type) or a
// time.Time for a time one; an entity without a version property is
// ErrNotVersioned (a *PropertyError naming it).
//
// The pessimistic modes lock the entity's row (SELECT ... FOR UPDATE, or
// FOR SHARE for LockPessimisticRead) in m's transaction, without
// reloading it; outside a transaction they are ErrNoTransaction. They take
// no version. A row that no longer exists is ErrNotFound.
//
// A new (not yet flushed) or untracked entity is uow.ErrDetached. Bad input
// runs nothing and changes nothing.
func (m *EntityManager) Lock(ctx context.Context, entity any, mode LockMode, version ...any) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	ctx = OnPrimary(ctx) // versions and rows are checked on the primary, never a replica
	en, ok := m.uow.EntryOf(entity)
	if !ok {
		if _, _, err := m.uow.Resolve(entity); err != nil {
			return err
		}
		return fmt.Errorf("%w: Lock takes an entity of this EntityManager, not an untracked %T", uow.ErrDetached, entity)
	}
	e := en.Entity
	key, hasKey := en.Key()
	if !hasKey || en.State == uow.StateNew {
		return fmt.Errorf("%w: a new %s has no row to lock: flush it first", uow.ErrDetached, e.Name)
	}
	if en.State == uow.StateRemoved {
		return fmt.Errorf("%w: %s is removed", uow.ErrDetached, key)
	}
	if mode == LockOptimistic {
		switch len(version) {
		case 0:
			return m.lockOptimistic(ctx, en, nil)
		case 1:
			return m.lockOptimistic(ctx, en, version[0])
		}
		return fmt.Errorf("%w: LockOptimistic takes one version to check, got %d", ErrInvalidData, len(version))
	}
	lk, err := mode.rowLock()
	if err != nil {
		return err
	}
	if len(version) > 0 {
		return fmt.Errorf("%w: %v takes no version (LockOptimistic checks one)", ErrInvalidData, mode)
	}
	return m.lockPessimistic(ctx, en, lk)
}

// lockOptimistic compares the entity's version with the expected one,
// loading an unloaded reference first.
func (m *EntityManager) lockOptimistic(ctx context.Context, en *uow.Entry, expected any) error {
	e := en.Entity
	vp := e.Version
	if vp == nil {
		return &PropertyError{Entity: e.Name,
			Err: fmt.Errorf("%w (tag one field orm:\"version\" to check versions)", ErrNotVersioned)}
	}
	if expected == nil {
		return nil // no version to check (MikroORM: lockVersion undefined)
	}
	if err := checkVersionType(vp, expected); err != nil {
		return &PropertyError{Entity: e.Name, Property: vp.Name, Err: fmt.Errorf("%w: %w", ErrInvalidData, err)}
	}
	if !en.Loaded() {
		k, _ := en.Key()
		if len(e.PK) != 1 {
			return fmt.Errorf("unitorm: Lock: %s: loading a reference with a composite key is not supported yet: load it first", e.Name)
		}
		pk, err := uow.FieldValue(e.PK[0], en.Ptr)
		if err != nil {
			return err
		}
		if err := m.loadByKeys(ctx, e, []any{pk}); err != nil {
			return err
		}
		if !en.Loaded() {
			return fmt.Errorf("%w: %s", ErrNotFound, k)
		}
	}
	actual := vp.At.Interface(en.Ptr)
	if !sameVersion(actual, expected) {
		k, _ := en.Key()
		return fmt.Errorf("%w: %s: version %v was expected, but it is %v", ErrOptimisticLock, k, expected, actual)
	}
	return nil
}

var timeType = reflect.TypeFor[time.Time]()

// checkVersionType accepts an integer for an integer version and a
// time.Time for a time version.
func checkVersionType(vp *meta.Property, v any) error {
	rv := reflect.ValueOf(v)
	if vp.Type == timeType {
		if rv.Type() != timeType {
			return fmt.Errorf("the version is a time.Time, got %T", v)
		}
		return nil
	}
	if !isInt(rv.Kind()) {
		return fmt.Errorf("the version is an integer (%s), got %T", vp.Type, v)
	}
	return nil
}

func isInt(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// sameVersion compares versions of checked types: integers by value
// whatever their types, times with Equal.
func sameVersion(actual, expected any) bool {
	if t, ok := expected.(time.Time); ok {
		a, ok := actual.(time.Time)
		return ok && a.Equal(t)
	}
	a, b := reflect.ValueOf(actual), reflect.ValueOf(expected)
	if !isInt(a.Kind()) || !isInt(b.Kind()) {
		return false
	}
	signed := func(v reflect.Value) (int64, bool) {
		switch v.Kind() {
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			u := v.Uint()
			return int64(u), u <= 1<<63-1
		}
		return v.Int(), true
	}
	x, okx := signed(a)
	y, oky := signed(b)
	return okx && oky && x == y
}

// lockPessimistic selects the entity's row with a row lock in m's
// transaction (MikroORM selects it without reloading the entity).
func (m *EntityManager) lockPessimistic(ctx context.Context, en *uow.Entry, lk qb.Lock) error {
	e := en.Entity
	if m.tx == nil {
		return fmt.Errorf("%w: a pessimistic lock on %s needs a transaction (Transactional or Begin)", ErrNoTransaction, e.Name)
	}
	if m.s.Driver.Dialect() == nil {
		return fmt.Errorf("unitorm: Lock: pessimistic locks need a SQL database (%s)", e.Name)
	}
	cond := qb.Cond{}
	cols := make([]any, len(e.PK))
	for i, pk := range e.PK {
		v, err := uow.FieldValue(pk, en.Ptr)
		if err != nil {
			return err
		}
		cond["e0."+pk.Column] = v
		cols[i] = "e0." + pk.Column
	}
	q := qb.Select(cols...).From(e.Table, "e0").Where(cond)
	switch lk.Mode {
	case qb.LockUpdate:
		q = q.ForUpdate()
	case qb.LockShare:
		q = q.ForShare()
	}
	if lk.NoWait {
		q = q.NoWait()
	}
	if lk.SkipLocked {
		q = q.SkipLocked()
	}
	rows, err := m.exec(ctx).QueryMaps(ctx, q)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		k, _ := en.Key()
		if lk.SkipLocked {
			return fmt.Errorf("%w: %s is gone or locked by another transaction (LockPessimisticPartialWrite skips locked rows)", ErrNotFound, k)
		}
		return fmt.Errorf("%w: %s (locking it)", ErrNotFound, k)
	}
	return nil
}
