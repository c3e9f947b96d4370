package seeder

import (
	"context"
	"fmt"
	"reflect"

	"github.com/unitorm/unitorm/em"
)

// Seeder writes data through an EntityManager. Run flushes after it.
type Seeder interface {
	Run(ctx context.Context, m *em.EntityManager) error
}

// Func is a Seeder written as a function.
type Func func(ctx context.Context, m *em.EntityManager) error

// Run calls f.
func (f Func) Run(ctx context.Context, m *em.EntityManager) error { return f(ctx, m) }

// Run runs seeders in order, each on its own fork of m, flushing the fork
// after it (MikroORM's seeder.call). The first error stops the run; what
// earlier seeders flushed stays. A seeder may call Run for others.
func Run(ctx context.Context, m *em.EntityManager, seeders ...Seeder) error {
	for _, s := range seeders {
		if s == nil {
			return fmt.Errorf("seeder: nil Seeder")
		}
		f := m.Fork()
		if err := s.Run(ctx, f); err != nil {
			return fmt.Errorf("seeder: %s: %w", name(s), err)
		}
		if err := f.Flush(ctx); err != nil {
			return fmt.Errorf("seeder: %s: flush: %w", name(s), err)
		}
	}
	return nil
}

// name is a seeder's type name, for errors.
func name(s Seeder) string {
	if n, ok := s.(interface{ Name() string }); ok {
		return n.Name()
	}
	t := reflect.TypeOf(s)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}
