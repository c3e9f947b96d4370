package schema

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/sqldb"
)

// DB is what the runners need of a database: a qb.Runner, such as
// *sqldb.DB. When it is a *sqldb.DB, statements run on one connection of
// its pool, so that session settings such as foreign-key checks hold for
// all of them, and in one transaction where the dialect has transactional
// DDL.
type DB = qb.Runner

// sessioner is a DB that hands out one connection of its pool.
type sessioner interface {
	Session(ctx context.Context) (*sqldb.Session, error)
}

// CreateSQL returns the statements creating the tables of entities (and
// their pivot tables) on dialect d, parents first.
func CreateSQL(entities []*meta.Entity, d dialect.Dialect, opts ...Option) ([]string, error) {
	s, err := Build(entities, d, opts...)
	if err != nil {
		return nil, err
	}
	return s.CreateSQL(d, opts...), nil
}

// DropSQL returns the statements dropping the tables of entities (and their
// pivot tables) on dialect d, children first.
func DropSQL(entities []*meta.Entity, d dialect.Dialect, opts ...Option) ([]string, error) {
	s, err := Build(entities, d, opts...)
	if err != nil {
		return nil, err
	}
	return s.DropSQL(d, opts...), nil
}

// CreateSQL returns the statements creating s on dialect d: each table with
// its columns, primary key, indexes and the foreign keys to tables already
// created, parents first; then the foreign keys that close cycles.
func (s *Schema) CreateSQL(d dialect.Dialect, opts ...Option) []string {
	st, o := styleOf(d), newOptions(opts)
	p := createPlan(s.Tables)
	var out []string
	for _, t := range p.tables {
		out = append(out, st.createTable(t, func(fk *ForeignKey) bool { return p.deferred[fk] }, o.ifNotExists))
		if !st.inlineIndexes {
			for _, ix := range t.Indexes {
				out = append(out, st.createIndex(t.Name, ix, o.ifNotExists))
			}
		}
	}
	if st.alterFK {
		for _, t := range p.tables {
			for _, fk := range t.ForeignKeys {
				if p.deferred[fk] {
					out = append(out, st.addForeignKey(t.Name, fk))
				}
			}
		}
	}
	return out
}

// DropSQL returns the statements dropping the tables of s on dialect d,
// children first. Where foreign keys form a cycle, PostgreSQL drops with
// CASCADE; MySQL, MariaDB and SQLite switch foreign-key checks off around
// the drops (run the statements on one connection).
func (s *Schema) DropSQL(d dialect.Dialect, opts ...Option) []string {
	st, o := styleOf(d), newOptions(opts)
	p := createPlan(s.Tables)
	checksOff := !st.dropCascade && len(p.deferred) > 0 && st.fkChecksOff != ""
	var out []string
	if checksOff {
		out = append(out, st.fkChecksOff)
	}
	for i := len(p.tables) - 1; i >= 0; i-- {
		out = append(out, st.dropTable(p.tables[i].Name, o.ifExists))
	}
	if checksOff {
		out = append(out, st.fkChecksOn)
	}
	return out
}

// Create creates the tables of entities on db. With IfNotExists, tables that
// already exist are left as they are (their missing columns, indexes or
// foreign keys are not added: that is what Update is for).
func Create(ctx context.Context, db DB, entities []*meta.Entity, opts ...Option) error {
	d := db.Dialect()
	s, err := Build(entities, d, opts...)
	if err != nil {
		return err
	}
	if newOptions(opts).ifNotExists {
		existing, err := ListTables(ctx, db)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, n := range existing {
			have[n] = true
		}
		kept := s.Tables[:0:0]
		for _, t := range s.Tables {
			if !have[t.Name] {
				kept = append(kept, t)
			}
		}
		s.Tables = kept
	}
	return Exec(ctx, db, s.CreateSQL(d, opts...))
}

// Drop drops the tables of entities from db.
func Drop(ctx context.Context, db DB, entities []*meta.Entity, opts ...Option) error {
	stmts, err := DropSQL(entities, db.Dialect(), opts...)
	if err != nil {
		return err
	}
	return Exec(ctx, db, stmts)
}

// Exec runs statements in order and stops at the first failure with an
// *ExecError naming the statement. It uses one connection when db can give
// one (so that session settings hold for every statement). A leading
// statement switching foreign-key checks off (as DropSQL and Diff.SQL write
// them) runs first on that connection and its closing counterpart runs last,
// whatever happens in between; the statements between them run in one
// transaction when the dialect has transactional DDL.
func Exec(ctx context.Context, db DB, stmts []string) error {
	if len(stmts) == 0 {
		return nil
	}
	return ExecFunc(ctx, db, stmts, nil)
}

// Execer runs the statements and queries of a migration function: a
// qb.Runner on the migration's transaction or connection.
type Execer = qb.Runner

// ExecFunc is Exec that then calls fn (when not nil) on the same
// transaction or connection, before the transaction commits: a migration
// runs its statements and records itself in one transaction.
func ExecFunc(ctx context.Context, db DB, stmts []string, fn func(ctx context.Context, ex Execer) error) (rerr error) {
	st := styleOf(db.Dialect())
	off := len(stmts) > 0 && st.fkChecksOff != "" && stmts[0] == st.fkChecksOff
	if off {
		stmts = stmts[1:]
		if n := len(stmts); n > 0 && stmts[n-1] == st.fkChecksOn {
			stmts = stmts[:n-1]
		}
	}
	var (
		ex   Execer = db
		sess *sqldb.Session
	)
	if sg, ok := db.(sessioner); ok {
		s, err := sg.Session(ctx)
		if err != nil {
			return fmt.Errorf("schema: %w", err)
		}
		defer s.Close()
		ex, sess = s, s
	}
	if off {
		if _, err := ex.ExecContext(ctx, st.fkChecksOff); err != nil {
			return &ExecError{Stmt: st.fkChecksOff, Err: err}
		}
		defer func() {
			// Restore the checks even when the context is done.
			if _, err := ex.ExecContext(context.WithoutCancel(ctx), st.fkChecksOn); err != nil && rerr == nil {
				rerr = &ExecError{Stmt: st.fkChecksOn, Err: err}
			}
		}()
	}
	if sess != nil && st.transactional {
		tx, err := sess.Begin(ctx, nil)
		if err != nil {
			return fmt.Errorf("schema: %w", err)
		}
		if err := execAll(ctx, tx, stmts); err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
			return err
		}
		if fn != nil {
			if err := fn(ctx, tx); err != nil {
				_ = tx.Rollback(context.WithoutCancel(ctx))
				return err
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("schema: %w", err)
		}
		return nil
	}
	if err := execAll(ctx, ex, stmts); err != nil {
		return err
	}
	if fn != nil {
		return fn(ctx, ex)
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func execAll(ctx context.Context, ex execer, stmts []string) error {
	for _, q := range stmts {
		if _, err := ex.ExecContext(ctx, q); err != nil {
			return &ExecError{Stmt: q, Err: err}
		}
	}
	return nil
}
