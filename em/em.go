package em

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync/atomic"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// Config is what every EntityManager of one ORM shares.
type Config struct {
	Registry *meta.Registry
	Driver   Driver
	// AllowGlobalContext lets the root EntityManager do work. Off by
	// default: a long-lived identity map shared by requests leaks state.
	AllowGlobalContext bool
	// Subscribers receive flush events; each may implement any of
	// BeforeFlushSubscriber, OnFlushSubscriber and AfterFlushSubscriber.
	Subscribers []any
	// Logger receives warnings (nil: slog.Default()).
	Logger *slog.Logger
	// NPlusOneThreshold turns on the N+1 detector: when the same load query
	// shape runs more than this many times in one EntityManager, a warning
	// naming the relation, the call site and a populate path is logged.
	// 0 turns it off.
	NPlusOneThreshold int
	// Reads runs reads on read replicas (nil: none). Finds, counts,
	// populates and query-builder selects outside a transaction go to it,
	// unless the fork has written (read-your-writes), was pinned to the
	// primary (UsePrimary) or the call's context says so (OnPrimary).
	// Its writes must go to the primary Driver's database.
	Reads Executor
	// CursorKey signs the cursors of FindByCursor (HMAC-SHA256). Empty: a
	// random key per ORM, so cursors do not outlive the process; set it
	// (16 bytes or more, the same on every instance) for cursors that
	// survive restarts and work across a cluster.
	CursorKey []byte
	// Filters are named conditions applied to queries (see Filter).
	Filters []Filter
}

type shared struct {
	Config
	filters filterSet
}

// EntityManager finds, tracks and flushes entities. It is one unit of work:
// not safe for concurrent use; Fork gives each request its own. A call made
// while another goroutine's call runs is refused with ErrConcurrentUse (see
// guard.go for what the guard covers).
type EntityManager struct {
	state  atomic.Int32 // the concurrent-use guard (stateIdle, ...)
	s      *shared
	uow    *uow.UnitOfWork
	global bool

	tx      Tx   // the open transaction, nil when none
	ownTx   bool // tx was begun by this EntityManager (Begin), not inherited
	txDepth int  // savepoint depth inside tx
	parent  *EntityManager

	flushing bool
	shapes   map[string]int // N+1 detector: load query shapes run so far
	// committed are the plans flushed inside the open transaction, undone in
	// entities if it rolls back.
	committed []*uow.Plan
	// onPrimary: reads go to the primary from now on, because the fork
	// wrote (read-your-writes) or was pinned there (UsePrimary).
	onPrimary bool

	filters     map[string]filterSetting // EnableFilter / DisableFilter
	loadedUnder map[*uow.Entry]string    // filter signature of the last root load
}

// New returns the root (global) EntityManager of an ORM. Work on it is
// refused unless cfg.AllowGlobalContext is set; call Fork for work.
func New(cfg Config) (*EntityManager, error) {
	if cfg.Registry == nil || cfg.Driver == nil {
		return nil, fmt.Errorf("unitorm: em.New needs a registry and a driver")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	var bad []error
	for i, sub := range cfg.Subscribers {
		switch sub.(type) {
		case BeforeFlushSubscriber, OnFlushSubscriber, AfterFlushSubscriber:
		default:
			bad = append(bad, fmt.Errorf("%w: Subscribers[%d] is a %T, which implements none of BeforeFlushSubscriber, OnFlushSubscriber, AfterFlushSubscriber",
				ErrInvalidSubscriber, i, sub))
		}
	}
	if len(bad) > 0 {
		return nil, errors.Join(bad...)
	}
	fs, err := buildFilters(cfg.Registry, cfg.Filters)
	if err != nil {
		return nil, err
	}
	if len(cfg.CursorKey) == 0 {
		// A random key per ORM (it lives with the ORM, not in a package
		// variable): cursors do not outlive the process.
		cfg.CursorKey = make([]byte, 32)
		_, _ = rand.Read(cfg.CursorKey) // crypto/rand.Read never fails (Go 1.24+)
	}
	s := &shared{Config: cfg, filters: fs}
	return &EntityManager{s: s, uow: uow.New(cfg.Registry), global: true}, nil
}

// Fork returns a new EntityManager with an empty identity map, sharing the
// metadata and driver.
func (m *EntityManager) Fork() *EntityManager {
	return &EntityManager{s: m.s, uow: uow.New(m.s.Registry), filters: maps.Clone(m.filters)}
}

// Registry returns the metadata registry.
func (m *EntityManager) Registry() *meta.Registry { return m.s.Registry }

// Driver returns the driver.
func (m *EntityManager) Driver() Driver { return m.s.Driver }

// The drivers and tests of this module reach an EntityManager's Unit of Work
// through uow.OfManager; it is not part of the public API.
func init() {
	uow.OfManager = func(m any) *uow.UnitOfWork {
		if em, ok := m.(*EntityManager); ok && em != nil {
			return em.uow
		}
		return nil
	}
}

// check refuses work on the global EntityManager.
func (m *EntityManager) check() error {
	if m.global && !m.s.AllowGlobalContext {
		return ErrGlobalContext
	}
	return nil
}

// exec returns the executor for the current transaction, or the pool's
// (routing reads to replicas when there are some and ctx and m allow it).
func (m *EntityManager) exec(ctx context.Context) Executor {
	var x Executor
	switch {
	case m.tx != nil:
		x = m.tx
	case m.s.Reads != nil && !m.onPrimary && !onPrimary(ctx):
		x = routedExec{m: m}
	default:
		x = m.s.Driver.Executor()
	}
	if m.s.NPlusOneThreshold > 0 {
		return watchExec{Executor: x, m: m}
	}
	return x
}

// InTransaction reports whether a transaction is open on this EntityManager.
func (m *EntityManager) InTransaction() bool { return m.tx != nil }

// Persist marks entities (pointers to registered structs) to be inserted at
// the next flush, along with what they reference through relations that
// cascade persist. Already managed entities are left as they are.
func (m *EntityManager) Persist(entities ...any) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	return m.persist(entities)
}

func (m *EntityManager) persist(entities []any) error {
	for _, e := range entities {
		if err := m.uow.Persist(e); err != nil {
			return err
		}
	}
	return nil
}

// Remove schedules entities for deletion at the next flush (cascading along
// relations declared cascade=remove). Removing a new entity cancels its
// insert. An entity with a softDelete property is soft-deleted instead (see
// softdelete.go).
func (m *EntityManager) Remove(entities ...any) error {
	entered, err := m.guarded()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	for _, obj := range entities {
		e, ptr, err := m.uow.Resolve(obj)
		if err != nil {
			return err
		}
		if soft, err := m.softRemove(e, ptr); soft || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		if err := m.uow.RemoveAt(e, ptr); err != nil {
			return err
		}
	}
	return nil
}

// Contains reports whether entity is tracked by this EntityManager. Like
// IsDirty and IsLoaded it returns no error and is not guarded against
// concurrent use: call it from the goroutine that uses m.
func (m *EntityManager) Contains(entity any) bool {
	en, ok := m.uow.EntryOf(entity)
	return ok && en.State != uow.StateRemoved
}

// IsDirty reports whether a tracked entity has changes to flush.
func (m *EntityManager) IsDirty(entity any) bool { return m.uow.IsDirty(entity) }

// Detach stops tracking entity: later changes to it are not flushed. The
// error is ErrConcurrentUse when another goroutine's call is running.
func (m *EntityManager) Detach(entity any) error {
	entered, err := m.enter()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	m.uow.Detach(entity)
	return nil
}

// Clear forgets every tracked entity: new and changed ones are not flushed.
// The error is ErrConcurrentUse when another goroutine's call is running.
func (m *EntityManager) Clear() error {
	entered, err := m.enter()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	m.uow.Clear()
	return nil
}

// Reference returns the managed instance of T for primary key pk without a
// query: the loaded entity when tracked, else an unloaded reference (only its
// key set) that a later load fills in place.
func Reference[T any](m *EntityManager, pk ...any) (*T, error) {
	entered, err := m.guarded()
	if err != nil {
		return nil, err
	}
	defer m.leave(entered)
	e, err := entityOf[T](m)
	if err != nil {
		return nil, err
	}
	en, err := m.uow.Reference(e, pk...)
	if err != nil {
		return nil, err
	}
	if !en.Entity.IsA(e) {
		// Single-table inheritance: the row is tracked as another type.
		return nil, fmt.Errorf("%w: %s(%v) is tracked as a %s, not a %s", uow.ErrDuplicateIdentity, e.Name, pk, en.Entity.Name, e.Name)
	}
	return (*T)(en.Ptr), nil
}

// IsLoaded reports whether a tracked entity's data is loaded (false for an
// unloaded reference).
func (m *EntityManager) IsLoaded(entity any) bool {
	en, ok := m.uow.EntryOf(entity)
	return ok && en.Loaded()
}

type ctxKey struct{}

// WithContext returns a context carrying m, for request-scoped use.
func WithContext(ctx context.Context, m *EntityManager) context.Context {
	return context.WithValue(ctx, ctxKey{}, m)
}

// FromContext returns the EntityManager carried by ctx.
func FromContext(ctx context.Context) (*EntityManager, bool) {
	m, ok := ctx.Value(ctxKey{}).(*EntityManager)
	return m, ok
}
