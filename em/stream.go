package em

import (
	"context"
	"fmt"
	"iter"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

// StreamOptions shape Stream.
type StreamOptions struct {
	// BatchSize is the number of rows read and hydrated per query
	// (default 1000).
	BatchSize int
	// Retain keeps the streamed entities (and what populate loaded for
	// them) in the identity map. By default each batch is forgotten
	// (detached) once the loop has seen it, so memory stays flat however
	// many rows there are.
	Retain bool
}

// Stream iterates over the entities of type T matching where, reading them
// in batches of opts.BatchSize with keyset pagination over the em.OrderBy
// properties then the primary key (as FindByCursor), so memory is bounded
// by one batch and no connection or transaction is held between batches:
//
//	for book, err := range em.Stream[Book](ctx, m, qb.Cond{"price": qb.Gt(0)},
//		em.StreamOptions{BatchSize: 500}, em.Populate("author")) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// Populate paths load per batch (select-in). Unless Retain is set, the
// entities a batch loaded are detached after the loop body has seen the
// whole batch — except when the body changed or removed one of them, or
// persisted anything, in which case that batch stays tracked for the next
// Flush (point an entity managed from before the stream at a streamed one
// only with Retain). Entities that were managed before the stream are never detached.
// em.Limit caps the number of entities; em.Offset is refused. Rows written
// by others while the stream runs are seen if they sort after the current
// position. An error ends the iteration (yielded once, with a nil entity).
func Stream[T any](ctx context.Context, m *EntityManager, where qb.Condition, so StreamOptions, opts ...FindOption) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		q := QB[T](m).with(opts)
		if where != nil {
			q = q.Where(where)
		}
		if err := streamRun(ctx, q, so, yield); err != nil {
			yield(nil, err)
		}
	}
}

func streamRun[T any](ctx context.Context, q Query[T], so StreamOptions, yield func(*T, error) bool) error {
	if q.err != nil {
		return q.err
	}
	size := so.BatchSize
	switch {
	case size < 0:
		return fmt.Errorf("%w: negative BatchSize", ErrInvalidData)
	case q.hasOffset:
		return fmt.Errorf("%w: Stream takes no Offset", ErrInvalidData)
	case size == 0:
		size = 1000
	}
	limit := -1
	if q.hasLimit {
		limit, q.hasLimit = q.limit, false
	}
	items, err := q.keyOrder("Stream")
	if err != nil {
		return err
	}
	if err := q.checkPopulate(); err != nil {
		return err
	}
	var last []any
	seen := 0
	for limit < 0 || seen < limit {
		n := size
		if limit >= 0 {
			n = min(n, limit-seen)
		}
		b := q.withOrder(items).Limit(n)
		if last != nil {
			b = b.Where(after(items, last))
		}
		entries, fresh, known, lastVals, err := streamBatch(ctx, b, items)
		if err != nil {
			return err
		}
		last = lastVals
		stop := false
		for _, en := range entries {
			if !yield((*T)(en.Ptr), nil) {
				stop = true
				break
			}
		}
		seen += len(entries)
		if !so.Retain {
			if err := forget(q.m, fresh, known); err != nil {
				return err
			}
		}
		if stop || len(entries) < n {
			return nil
		}
	}
	return nil
}

// streamBatch loads one batch under the guard and returns its entities,
// the identity-map entries the load added (to forget later) and the order
// values of its last row.
func streamBatch[T any](ctx context.Context, b Query[T], items []keyItem) (entries, fresh []*uow.Entry, known map[*uow.Entry]bool, last []any, err error) {
	entered, err := b.enter()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	defer b.m.leave(entered)
	im := b.m.uow.IdentityMap()
	before := make(map[*uow.Entry]bool, im.Len())
	for _, en := range im.Entries() {
		before[en] = true
	}
	entries, err = b.loadKeyed(ctx, items, func(v []any) { last = v })
	if err != nil {
		return nil, nil, nil, nil, err
	}
	for _, en := range im.Entries() {
		if !before[en] {
			fresh = append(fresh, en)
			before[en] = true
		}
	}
	return entries, fresh, before, last, nil
}

// forget detaches what a batch loaded (fresh), unless the loop body
// changed, removed or persisted something meanwhile: then the batch stays,
// so that a Flush neither misses the change nor meets a detached entity
// that a changed or new one points at. known is every entry tracked after
// the batch loaded.
func forget(m *EntityManager, fresh []*uow.Entry, known map[*uow.Entry]bool) error {
	entered, err := m.enter()
	if err != nil {
		return err
	}
	defer m.leave(entered)
	for _, en := range fresh {
		if !en.Loaded() {
			continue // a reference (an unloaded to-one target)
		}
		if en.State != uow.StateManaged || m.uow.IsDirty(en.Obj()) {
			return nil
		}
	}
	for _, en := range m.uow.IdentityMap().Entries() {
		if !known[en] {
			return nil // persisted (or loaded) by the loop body
		}
	}
	for _, en := range fresh {
		m.uow.Detach(en.Obj())
	}
	return nil
}
