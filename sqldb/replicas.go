package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/qb"
)

// Read replicas. A DB given replicas (SetReplicas) keeps running every
// statement itself; its Reads router sends the reads it is asked to run
// (Load, Count, QueryMaps, QueryContext) to a replica in turn (round
// robin), and writes to the primary. A replica is used only while it
// answers and its replication lag is within ReplicaOptions.MaxLag: the
// router probes each replica at most once per CheckInterval, skips one
// that is down or lagging with a log line (never an error to the caller),
// and reads from the primary when no replica is usable. A read that fails
// on a replica because the replica stopped answering is run again on the
// next one (or the primary).

// ReplicaOptions configure how the router picks replicas.
type ReplicaOptions struct {
	// MaxLag is the replication lag past which a replica is skipped
	// (default 5s; negative: lag is not checked, only liveness).
	MaxLag time.Duration
	// CheckInterval is how long a probe's verdict holds (default 1s).
	CheckInterval time.Duration
	// ProbeTimeout bounds one probe (default 2s).
	ProbeTimeout time.Duration
	// Logger gets a line when a replica is skipped or usable again
	// (default: the primary's Observe.Logger, else slog.Default()).
	Logger *slog.Logger
}

// NodePrimary is QueryEvent.Node for statements run on the primary.
const NodePrimary = "primary"

// replica is one replica with its last probe's verdict.
type replica struct {
	db *DB

	mu      sync.Mutex
	checked time.Time
	usable  bool
	why     string // why not usable
	probing bool   // a probe is running
}

// Router runs reads on replicas and everything else on the primary. It
// implements the EntityManager's executor contract (Load, Count, Execute,
// Exec, QueryMaps) and qb.Runner.
type Router struct {
	primary  *DB
	replicas []*replica
	opts     ReplicaOptions
	next     atomic.Uint64
}

var _ qb.Runner = (*Router)(nil)

// SetReplicas gives db its read replicas (opened by the same driver
// package), named "replica1", "replica2", ... in query events. Their
// statements are reported through db's Observe and counted in its
// QueryCount. Call it before using db concurrently; Close closes them too.
func (db *DB) SetReplicas(replicas []*DB, opts ReplicaOptions) error {
	if opts.MaxLag == 0 {
		opts.MaxLag = 5 * time.Second
	}
	if opts.CheckInterval <= 0 {
		opts.CheckInterval = time.Second
	}
	if opts.ProbeTimeout <= 0 {
		opts.ProbeTimeout = 2 * time.Second
	}
	r := &Router{primary: db, opts: opts}
	for i, rep := range replicas {
		if rep == nil || rep == db {
			return fmt.Errorf("sqldb: replica %d is nil or the primary itself", i+1)
		}
		if rep.dialect != db.dialect {
			return fmt.Errorf("sqldb: replica %d is a %s database, the primary a %s one", i+1, rep.driver, db.driver)
		}
		rep.node = fmt.Sprintf("replica%d", i+1)
		rep.parent = db
		r.replicas = append(r.replicas, &replica{db: rep})
	}
	db.router = r
	return nil
}

// Reads returns the router of db's reads (nil without replicas).
func (db *DB) Reads() *Router { return db.router }

// Replicas returns the replicas given to SetReplicas.
func (db *DB) Replicas() []*DB {
	if db.router == nil {
		return nil
	}
	out := make([]*DB, len(db.router.replicas))
	for i, r := range db.router.replicas {
		out[i] = r.db
	}
	return out
}

// Node returns the name query events give db's statements.
func (db *DB) Node() string {
	if db.node == "" {
		return NodePrimary
	}
	return db.node
}

func (r *Router) logger() *slog.Logger {
	if r.opts.Logger != nil {
		return r.opts.Logger
	}
	if l := r.primary.observe.Logger; l != nil {
		return l
	}
	return slog.Default()
}

// pick returns the executor of the next usable replica, or the primary's.
// skip is a replica already found down in this call.
func (r *Router) pick(ctx context.Context, skip *replica) (*Executor, *replica) {
	n := len(r.replicas)
	start := int(r.next.Add(1) - 1)
	for i := range n {
		rep := r.replicas[(start+i)%n]
		if rep != skip && r.check(ctx, rep, false) {
			return rep.db.exec, rep
		}
	}
	return r.primary.exec, nil
}

// check returns whether rep may serve reads, probing it when the last
// verdict is older than CheckInterval (or force is set). While one caller
// probes, the others go by the last verdict instead of waiting.
func (r *Router) check(ctx context.Context, rep *replica, force bool) bool {
	rep.mu.Lock()
	fresh := !rep.checked.IsZero() && time.Since(rep.checked) < r.opts.CheckInterval
	if (!force && fresh) || (rep.probing && !rep.checked.IsZero()) {
		usable := rep.usable
		rep.mu.Unlock()
		return usable
	}
	rep.probing = true
	rep.mu.Unlock()

	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.ProbeTimeout)
	lag, err := rep.db.probe(pctx)
	cancel()
	usable, why := true, ""
	switch {
	case err != nil:
		usable, why = false, "down: "+err.Error()
	case r.opts.MaxLag >= 0 && lag > r.opts.MaxLag:
		usable, why = false, fmt.Sprintf("lagging %s behind the primary (bound %s)", lag.Round(time.Millisecond), r.opts.MaxLag)
	}

	rep.mu.Lock()
	first := rep.checked.IsZero()
	changed := usable != rep.usable || why != rep.why
	rep.checked, rep.usable, rep.why, rep.probing = time.Now(), usable, why, false
	rep.mu.Unlock()
	switch {
	case !usable && (first || changed):
		r.logger().LogAttrs(ctx, slog.LevelWarn, "unitorm: replica skipped, reads go elsewhere",
			slog.String("node", rep.db.Node()), slog.String("reason", why))
	case usable && !first && changed:
		r.logger().LogAttrs(ctx, slog.LevelInfo, "unitorm: replica usable again", slog.String("node", rep.db.Node()))
	}
	return usable
}

// probe reports db's replication lag (0 on a database that is not a
// replica), through the logged path with QueryEvent.Probe set.
func (db *DB) probe(ctx context.Context) (time.Duration, error) {
	x := &Executor{db: db, c: db.pool, probe: true}
	run := func(ctx context.Context, query string) (qb.Rows, error) {
		rows, err := x.query(ctx, query, nil)
		if err != nil {
			return nil, err
		}
		return rows, nil
	}
	if db.lag == nil {
		rows, err := run(ctx, "SELECT 1")
		if err != nil {
			return 0, err
		}
		return 0, rows.Close()
	}
	return db.lag(ctx, run)
}

// read runs fn on a replica. When it fails there before handing on any
// row, it runs again on the next replica (or the primary) if the replica
// turns out to be down, or if the error is retryable (a standby cancels a
// read that conflicts with replay: SQLSTATE 40001); reads are idempotent.
func (r *Router) read(ctx context.Context, fn func(x *Executor) error, rows func() int) error {
	x, rep := r.pick(ctx, nil)
	err := fn(x)
	if err == nil || rep == nil || ctx.Err() != nil || rows() > 0 || isConstraint(err) {
		return err
	}
	// Is the replica down, or is it the statement? Probe it now.
	if r.check(ctx, rep, true) && !uow.IsRetryable(err) {
		return err
	}
	x, _ = r.pick(ctx, rep)
	return fn(x)
}

func isConstraint(err error) bool {
	var ce *uow.ConstraintError
	return errors.As(err, &ce)
}

// Load runs a load request on a replica.
func (r *Router) Load(ctx context.Context, req *uow.Load) error {
	n := 0
	inner := *req
	inner.Row = func(l []uow.Loaded, extra []any) error {
		n++
		return req.Row(l, extra)
	}
	return r.read(ctx, func(x *Executor) error { return x.Load(ctx, &inner) }, func() int { return n })
}

// Count runs a count on a replica.
func (r *Router) Count(ctx context.Context, q qb.SelectQuery) (int64, error) {
	var n int64
	err := r.read(ctx, func(x *Executor) error {
		var err error
		n, err = x.Count(ctx, q)
		return err
	}, func() int { return 0 })
	return n, err
}

// QueryMaps runs a query on a replica.
func (r *Router) QueryMaps(ctx context.Context, s qb.Statement) ([]map[string]any, error) {
	var out []map[string]any
	err := r.read(ctx, func(x *Executor) error {
		var err error
		out, err = x.QueryMaps(ctx, s)
		return err
	}, func() int { return 0 })
	return out, err
}

// QueryContext runs a query on a replica (qb.Runner); the caller closes
// the rows.
func (r *Router) QueryContext(ctx context.Context, query string, args ...any) (qb.Rows, error) {
	var rows qb.Rows
	err := r.read(ctx, func(x *Executor) error {
		var err error
		rows, err = x.QueryContext(ctx, query, args...)
		return err
	}, func() int { return 0 })
	return rows, err
}

// ExecContext runs a statement on the primary (qb.Runner).
func (r *Router) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.primary.exec.ExecContext(ctx, query, args...)
}

// Exec runs a statement on the primary.
func (r *Router) Exec(ctx context.Context, s qb.Statement) (int64, error) {
	return r.primary.exec.Exec(ctx, s)
}

// Execute runs a flush plan on the primary.
func (r *Router) Execute(ctx context.Context, plan *uow.Plan) error {
	return r.primary.exec.Execute(ctx, plan)
}

// Primary returns the primary's executor.
func (r *Router) Primary() *Executor { return r.primary.exec }

// Dialect returns the database's dialect.
func (r *Router) Dialect() dialect.Dialect { return r.primary.dialect }
