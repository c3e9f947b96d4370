package em

import (
	"context"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

// Read replicas (Config.Reads). Outside a transaction an EntityManager
// reads from a replica until it writes: after its first flush (or
// committed transaction, or native insert, update, delete or upsert) it
// reads from the primary for the rest of its life, so it always sees its
// own writes. Everything inside a transaction, every write and every lock
// runs on the primary.

type primaryKey struct{}

// OnPrimary returns a context whose reads run on the primary (MikroORM's
// connectionType: 'write'): pass it to one call that must see the latest
// committed data.
//
//	a, err := em.FindOne[Author](em.OnPrimary(ctx), m, qb.Cond{"id": id})
func OnPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

func onPrimary(ctx context.Context) bool {
	v, _ := ctx.Value(primaryKey{}).(bool)
	return v
}

// UsePrimary sends the rest of m's reads to the primary, as after a write.
func (m *EntityManager) UsePrimary() { m.onPrimary = true }

// ReadsFromPrimary reports whether m's reads outside a transaction go to
// the primary (there are no replicas, m wrote, or UsePrimary was called).
func (m *EntityManager) ReadsFromPrimary() bool { return m.s.Reads == nil || m.onPrimary }

// wrote records that m wrote outside a replica's view: its reads go to the
// primary from now on.
func (m *EntityManager) wrote() { m.onPrimary = true }

// routedExec reads through the replica router until m writes, and writes
// on the primary.
type routedExec struct{ m *EntityManager }

func (r routedExec) reads() Executor {
	if r.m.onPrimary {
		return r.m.s.Driver.Executor()
	}
	return r.m.s.Reads
}

func (r routedExec) Load(ctx context.Context, req *uow.Load) error { return r.reads().Load(ctx, req) }

func (r routedExec) Count(ctx context.Context, q qb.SelectQuery) (int64, error) {
	return r.reads().Count(ctx, q)
}

func (r routedExec) QueryMaps(ctx context.Context, s qb.Statement) ([]map[string]any, error) {
	return r.reads().QueryMaps(ctx, s)
}

func (r routedExec) Execute(ctx context.Context, plan *uow.Plan) error {
	r.m.wrote()
	return r.m.s.Driver.Executor().Execute(ctx, plan)
}

func (r routedExec) Exec(ctx context.Context, s qb.Statement) (int64, error) {
	r.m.wrote()
	return r.m.s.Driver.Executor().Exec(ctx, s)
}
