package sqldb

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// QueryEvent describes one statement the driver ran.
type QueryEvent struct {
	SQL      string
	Args     []any // nil unless the DB was told to keep them (LogParams)
	Duration time.Duration
	Rows     int64 // rows affected or returned; -1 when unknown
	Err      error
	InTx     bool
	// Node is where the statement ran: "primary" (NodePrimary), or
	// "replica1", "replica2", ... for the read replicas (DB.SetReplicas).
	Node string
	// Probe marks the statements the replica router runs to check a
	// replica's liveness and lag (not the caller's).
	Probe bool
}

// Observe configures how a DB reports the statements it runs.
type Observe struct {
	// Logger gets each statement at Debug level (errors at Warn), with its
	// duration and row count. Nil logs nothing.
	Logger *slog.Logger
	// LogParams includes bound parameters in logs and events.
	LogParams bool
	// OnQuery, when set, is called after each statement.
	OnQuery func(QueryEvent)
}

// SetObserve sets how db reports statements. Call it before using db
// concurrently.
func (db *DB) SetObserve(o Observe) { db.observe = o }

// QueryCount returns the number of statements db has run (including those
// inside transactions), for tests and diagnostics.
func (db *DB) QueryCount() int64 { return db.root().queries.Load() }

// root is the DB whose Observe and counter db uses: a replica's primary.
func (db *DB) root() *DB {
	if db.parent != nil {
		return db.parent
	}
	return db
}

type counter = atomic.Int64

func (db *DB) report(ctx context.Context, sql string, args []any, start time.Time, rows int64, err error, inTx bool) {
	db.reportEvent(ctx, sql, args, start, rows, err, inTx, false)
}

func (db *DB) reportEvent(ctx context.Context, sql string, args []any, start time.Time, rows int64, err error, inTx, probe bool) {
	r := db.root()
	r.queries.Add(1)
	o := r.observe
	if o.Logger == nil && o.OnQuery == nil {
		return
	}
	ev := QueryEvent{SQL: sql, Duration: time.Since(start), Rows: rows, Err: err, InTx: inTx, Node: db.Node(), Probe: probe}
	if o.LogParams {
		ev.Args = args
	}
	if o.OnQuery != nil {
		o.OnQuery(ev)
	}
	if o.Logger != nil {
		attrs := []slog.Attr{slog.String("sql", sql), slog.Duration("duration", ev.Duration), slog.Int64("rows", rows)}
		if r.router != nil {
			attrs = append(attrs, slog.String("node", ev.Node))
		}
		if o.LogParams {
			attrs = append(attrs, slog.Any("args", args))
		}
		level := slog.LevelDebug
		if err != nil {
			level = slog.LevelWarn
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		o.Logger.LogAttrs(ctx, level, "unitorm: query", attrs...)
	}
}
