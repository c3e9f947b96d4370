package em

import (
	"context"
	"net/http"

	"github.com/unitorm/unitorm/qb"
)

// Repository gathers the EntityManager's operations for one entity type.
type Repository[T any] struct {
	m *EntityManager
}

// Repo returns the repository of T on m.
func Repo[T any](m *EntityManager) Repository[T] { return Repository[T]{m: m} }

// EM returns the repository's EntityManager.
func (r Repository[T]) EM() *EntityManager { return r.m }

// Find is Find[T].
func (r Repository[T]) Find(ctx context.Context, where qb.Condition, opts ...FindOption) ([]*T, error) {
	return Find[T](ctx, r.m, where, opts...)
}

// FindAll is FindAll[T].
func (r Repository[T]) FindAll(ctx context.Context, opts ...FindOption) ([]*T, error) {
	return FindAll[T](ctx, r.m, opts...)
}

// FindOne is FindOne[T].
func (r Repository[T]) FindOne(ctx context.Context, where any, opts ...FindOption) (*T, error) {
	return FindOne[T](ctx, r.m, where, opts...)
}

// FindOneOrFail is FindOneOrFail[T].
func (r Repository[T]) FindOneOrFail(ctx context.Context, where any, opts ...FindOption) (*T, error) {
	return FindOneOrFail[T](ctx, r.m, where, opts...)
}

// FindAndCount is FindAndCount[T].
func (r Repository[T]) FindAndCount(ctx context.Context, where qb.Condition, opts ...FindOption) ([]*T, int64, error) {
	return FindAndCount[T](ctx, r.m, where, opts...)
}

// Count is Count[T].
func (r Repository[T]) Count(ctx context.Context, where qb.Condition) (int64, error) {
	return Count[T](ctx, r.m, where)
}

// Create is Create[T].
func (r Repository[T]) Create(data map[string]any) (*T, error) { return Create[T](r.m, data) }

// Reference is Reference[T].
func (r Repository[T]) Reference(pk ...any) (*T, error) { return Reference[T](r.m, pk...) }

// QB is QB[T].
func (r Repository[T]) QB() Query[T] { return QB[T](r.m) }

// Persist persists entities.
func (r Repository[T]) Persist(entities ...*T) error {
	for _, e := range entities {
		if err := r.m.Persist(e); err != nil {
			return err
		}
	}
	return nil
}

// Remove schedules entities for deletion.
func (r Repository[T]) Remove(entities ...*T) error {
	for _, e := range entities {
		if err := r.m.Remove(e); err != nil {
			return err
		}
	}
	return nil
}

// Middleware returns net/http middleware that gives each request its own
// fork of root, reachable with FromContext(r.Context()).
func Middleware(root *EntityManager) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(WithContext(r.Context(), root.Fork())))
		})
	}
}
