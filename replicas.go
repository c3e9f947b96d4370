package unitorm

import (
	"context"
	"errors"
	"fmt"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

// ErrReplicasUnsupported is returned by Open when Config.Replicas is set for
// a database that is not SQL, or a replica is not of the primary's kind.
var ErrReplicasUnsupported = errors.New("unitorm: read replicas need a SQL database and replicas of the same driver")

// openReplicas connects Config.Replicas and gives them to the primary's
// pool; it returns the router the EntityManagers read through.
func (o *ORM) openReplicas(ctx context.Context, reg *meta.Registry, cfg Config) (em.Executor, error) {
	if o.db == nil {
		return nil, fmt.Errorf("%w: the primary is not a SQL database", ErrReplicasUnsupported)
	}
	var dbs []*sqldb.DB
	fail := func(err error) (em.Executor, error) {
		for _, db := range dbs {
			_ = db.Close()
		}
		return nil, err
	}
	for i, c := range cfg.Replicas {
		if c == nil {
			return fail(fmt.Errorf("%w: Replicas[%d] is nil", ErrReplicasUnsupported, i))
		}
		conn, err := c.Connect(ctx, reg)
		if err != nil {
			return fail(fmt.Errorf("unitorm: replica %d: %w", i+1, err))
		}
		s, ok := conn.(SQLConn)
		if !ok {
			_ = conn.Close(ctx)
			return fail(fmt.Errorf("%w: Replicas[%d] is a %T", ErrReplicasUnsupported, i, conn))
		}
		dbs = append(dbs, s.DB())
	}
	err := o.db.SetReplicas(dbs, sqldb.ReplicaOptions{MaxLag: cfg.ReplicaMaxLag, CheckInterval: cfg.ReplicaCheckInterval, Logger: cfg.Logger})
	if err != nil {
		return fail(fmt.Errorf("%w: %w", ErrReplicasUnsupported, err))
	}
	return o.db.Reads(), nil
}

// ReadSQL returns a runner for qb queries whose reads go to the read
// replicas in turn (writes through it go to the primary); without
// replicas it is SQL(). Nil on MongoDB.
func (o *ORM) ReadSQL() qb.Runner {
	if o.db == nil {
		return nil
	}
	if r := o.db.Reads(); r != nil {
		return r
	}
	return o.db.Executor()
}
