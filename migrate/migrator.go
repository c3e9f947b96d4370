package migrate

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/schema"
)

// DefaultTable is the default name of the table of applied migrations.
const DefaultTable = "unitorm_migrations"

// DefaultDir is the default folder of migration files.
const DefaultDir = "migrations"

// Config configures a Migrator.
type Config struct {
	// Dir is the folder of SQL migration files (default "migrations").
	// Create writes there.
	Dir string
	// FS, when set, is where Dir is read from instead of the disk (an
	// embed.FS, say). Create still writes to Dir on disk.
	FS fs.FS
	// Table is the table of applied migrations (default unitorm_migrations).
	Table string
	// Migrations are Go migrations besides the ones added with Register.
	Migrations []*Migration
	// NoRegistered leaves out the migrations added with Register.
	NoRegistered bool
	// Log, when set, receives a progress line per migration.
	Log func(format string, args ...any)
	// SchemaOptions are passed to package schema when a migration is
	// generated or checked (schema.WithNaming, schema.Safe, ...).
	SchemaOptions []schema.Option
	// Now returns the time used for new versions and records (default time.Now).
	Now func() time.Time
}

// Migrator applies, reverts, lists and writes migrations for one database.
// It is not safe for concurrent use, nor for several processes migrating the
// same database at once.
type Migrator struct {
	db  schema.DB
	cfg Config
}

// New returns a Migrator for db.
func New(db schema.DB, cfg Config) *Migrator {
	if cfg.Dir == "" {
		cfg.Dir = DefaultDir
	}
	if cfg.Table == "" {
		cfg.Table = DefaultTable
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Migrator{db: db, cfg: cfg}
}

// Table returns the name of the table of applied migrations.
func (m *Migrator) Table() string { return m.cfg.Table }

func (m *Migrator) logf(format string, args ...any) {
	if m.cfg.Log != nil {
		m.cfg.Log(format, args...)
	}
}

// Migrations returns every known migration (files, Go), sorted by version.
func (m *Migrator) Migrations() ([]*Migration, error) {
	fsys, dir := m.cfg.FS, m.cfg.Dir
	if fsys == nil {
		fsys, dir = os.DirFS(m.cfg.Dir), "."
	}
	files, err := ReadFS(fsys, dir)
	if err != nil {
		return nil, err
	}
	if fsys != m.cfg.FS {
		for _, f := range files {
			f.Source = m.cfg.Dir + "/" + f.Source
		}
	}
	var reg []*Migration
	if !m.cfg.NoRegistered {
		reg = Registered()
	}
	return merge(files, reg, m.cfg.Migrations)
}

// Applied is a migration recorded in the migrations table.
type Applied struct {
	Version   string
	Name      string
	AppliedAt time.Time
}

// EnsureTable creates the migrations table if it does not exist.
func (m *Migrator) EnsureTable(ctx context.Context) error {
	d := m.db.Dialect()
	col := func(name string, c dialect.Column) *schema.Column {
		return &schema.Column{Name: name, Type: d.ColumnType(c), Logical: c.Type}
	}
	t := &schema.Table{
		Name: m.cfg.Table,
		Columns: []*schema.Column{
			col("version", dialect.Column{Type: dialect.TypeString, Length: 64, Indexed: true}),
			col("name", dialect.Column{Type: dialect.TypeString, Length: 255}),
			col("applied_at", dialect.Column{Type: dialect.TypeTime}),
		},
		PrimaryKey: []string{"version"},
	}
	s := &schema.Schema{Tables: []*schema.Table{t}}
	return schema.Exec(ctx, m.db, s.CreateSQL(d, schema.IfNotExists()))
}

// Applied returns the migrations recorded as applied, by version.
func (m *Migrator) Applied(ctx context.Context) ([]Applied, error) {
	if err := m.EnsureTable(ctx); err != nil {
		return nil, err
	}
	q, args, err := qb.Select("version", "name", "applied_at").From(m.cfg.Table).ToSQL(m.db.Dialect())
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	rows, err := m.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("migrate: read %s: %w", m.cfg.Table, err)
	}
	defer rows.Close()
	var out []Applied
	for rows.Next() {
		var a Applied
		if err := rows.Scan(&a.Version, &a.Name, &a.AppliedAt); err != nil {
			return nil, fmt.Errorf("migrate: read %s: %w", m.cfg.Table, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrate: read %s: %w", m.cfg.Table, err)
	}
	slices.SortFunc(out, func(a, b Applied) int { return compareVersions(a.Version, b.Version) })
	return out, nil
}

// Status is one line of List: a known migration, an applied one, or both.
type Status struct {
	Version   string
	Name      string
	Migration *Migration // nil when applied but no longer known
	Applied   *Applied   // nil when pending
}

// List returns every known or applied migration by version.
func (m *Migrator) List(ctx context.Context) ([]Status, error) {
	all, err := m.Migrations()
	if err != nil {
		return nil, err
	}
	applied, err := m.Applied(ctx)
	if err != nil {
		return nil, err
	}
	byVersion := map[string]*Status{}
	var out []*Status
	for _, mig := range all {
		s := &Status{Version: mig.Version, Name: mig.Name, Migration: mig}
		byVersion[mig.Version] = s
		out = append(out, s)
	}
	for i := range applied {
		a := &applied[i]
		if s, ok := byVersion[a.Version]; ok {
			s.Applied = a
			continue
		}
		out = append(out, &Status{Version: a.Version, Name: a.Name, Applied: a})
	}
	slices.SortFunc(out, func(a, b *Status) int { return compareVersions(a.Version, b.Version) })
	res := make([]Status, len(out))
	for i, s := range out {
		res[i] = *s
	}
	return res, nil
}

// Pending returns the known migrations not yet applied, by version.
func (m *Migrator) Pending(ctx context.Context) ([]*Migration, error) {
	list, err := m.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Migration
	for _, s := range list {
		if s.Applied == nil {
			out = append(out, s.Migration)
		}
	}
	return out, nil
}

// Up applies pending migrations in order: all of them when to is "", else
// those up to and including version to. It returns the migrations applied
// (also when one fails: those before it).
func (m *Migrator) Up(ctx context.Context, to string) ([]*Migration, error) {
	if err := m.checkDialects(); err != nil {
		return nil, err
	}
	pending, err := m.Pending(ctx)
	if err != nil {
		return nil, err
	}
	if to != "" {
		all, err := m.Migrations()
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(all, func(x *Migration) bool { return x.Version == to }) {
			return nil, fmt.Errorf("%w %q", ErrUnknownVersion, to)
		}
	}
	var done []*Migration
	for _, mig := range pending {
		if to != "" && compareVersions(mig.Version, to) > 0 {
			break
		}
		if err := m.run(ctx, mig, false); err != nil {
			return done, err
		}
		done = append(done, mig)
	}
	return done, nil
}

// Down reverts applied migrations, newest first: the last one when to is
// "", all of them when to is "0", else every one after version to. It
// returns the migrations reverted.
func (m *Migrator) Down(ctx context.Context, to string) ([]*Migration, error) {
	if err := m.checkDialects(); err != nil {
		return nil, err
	}
	list, err := m.List(ctx)
	if err != nil {
		return nil, err
	}
	var applied []Status
	for _, s := range list {
		if s.Applied != nil {
			applied = append(applied, s)
		}
	}
	var revert []Status
	switch to {
	case "":
		if len(applied) > 0 {
			revert = applied[len(applied)-1:]
		}
	case "0":
		revert = applied
	default:
		if !slices.ContainsFunc(applied, func(s Status) bool { return s.Version == to }) {
			return nil, fmt.Errorf("%w %q (not applied)", ErrUnknownVersion, to)
		}
		for _, s := range applied {
			if compareVersions(s.Version, to) > 0 {
				revert = append(revert, s)
			}
		}
	}
	var done []*Migration
	for i := len(revert) - 1; i >= 0; i-- {
		s := revert[i]
		if s.Migration == nil {
			return done, &MigrationError{Version: s.Version, Name: s.Name, Down: true, Err: fmt.Errorf("applied, but no file or Go migration defines it")}
		}
		if !s.Migration.HasDown && s.Migration.DownFunc == nil {
			return done, &MigrationError{Version: s.Version, Name: s.Name, Down: true, Err: ErrIrreversible}
		}
		if err := m.run(ctx, s.Migration, true); err != nil {
			return done, err
		}
		done = append(done, s.Migration)
	}
	return done, nil
}

// run applies (or reverts) one migration and records it, in one
// transaction where the database allows.
func (m *Migrator) run(ctx context.Context, mig *Migration, down bool) error {
	d := m.db.Dialect()
	stmts, fn, verb := mig.Up, mig.UpFunc, "applying"
	var record qb.Statement = qb.InsertInto(m.cfg.Table).Columns("version", "name", "applied_at").
		Values(mig.Version, mig.Name, m.cfg.Now().UTC())
	if down {
		stmts, fn, verb = mig.Down, mig.DownFunc, "reverting"
		record = qb.DeleteFrom(m.cfg.Table).Where(qb.Cond{"version": mig.Version})
	}
	q, args, err := record.ToSQL(d)
	if err != nil {
		return &MigrationError{Version: mig.Version, Name: mig.Name, Down: down, Err: err}
	}
	m.logf("%s %s", verb, mig.ID())
	start := time.Now()
	err = schema.ExecFunc(ctx, m.db, stmts, func(ctx context.Context, ex schema.Execer) error {
		if fn != nil {
			if err := fn(ctx, ex); err != nil {
				return err
			}
		}
		if _, err := ex.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("record in %s: %w", m.cfg.Table, err)
		}
		return nil
	})
	if err != nil {
		m.logf("failed %s", mig.ID()) // the error itself is returned, to be printed once
		err = withoutSchemaHint(err)
		return &MigrationError{Version: mig.Version, Name: mig.Name, Down: down, Err: err}
	}
	m.logf("done %s (%s)", mig.ID(), time.Since(start).Round(time.Millisecond))
	return nil
}
