package migrate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/schema"
)

// CreateOptions says what migration Create writes.
type CreateOptions struct {
	// Name describes the migration (sanitized to snake_case); default
	// "migration", or "initial" with Initial.
	Name string
	// Blank writes empty up and down files to fill in by hand.
	Blank bool
	// Initial writes the whole schema of the entities (up) and its removal
	// (down), whatever the database holds. When the database already
	// matches the entities and no migration has been applied, the new
	// migration is recorded as applied.
	Initial bool
}

// Created is a migration Create wrote.
type Created struct {
	Migration *Migration
	UpPath    string
	DownPath  string
	// MarkedApplied is true when an initial migration was recorded as
	// applied because the schema already existed.
	MarkedApplied bool
}

// Create writes a new migration to the migrations folder: by default the
// difference between the live schema and the entities (up) and back (down).
// The database must have no pending migration; ErrNoChanges is returned when
// there is nothing to migrate.
func (m *Migrator) Create(ctx context.Context, entities []*meta.Entity, opts CreateOptions) (*Created, error) {
	d := m.db.Dialect()
	sopts := append([]schema.Option{schema.IgnoreTables(m.cfg.Table)}, m.cfg.SchemaOptions...)
	name := opts.Name
	if name == "" {
		name = "migration"
		if opts.Initial {
			name = "initial"
		}
	}
	var up, down []string
	markApplied := false
	switch {
	case opts.Blank:
	case opts.Initial:
		target, err := schema.Build(entities, d, sopts...)
		if err != nil {
			return nil, err
		}
		empty := &schema.Schema{}
		up = schema.Compare(empty, target, d, sopts...).SQL()
		down = schema.Compare(target, empty, d, sopts...).SQL()
		applied, err := m.Applied(ctx)
		if err != nil {
			return nil, err
		}
		tables, err := schema.ListTables(ctx, m.db)
		if err != nil {
			return nil, err
		}
		if len(applied) == 0 && len(tables) > 1 {
			diff, err := schema.CompareDB(ctx, m.db, entities, sopts...)
			if err != nil {
				return nil, err
			}
			markApplied = diff.Empty()
		}
	default:
		pending, err := m.Pending(ctx)
		if err != nil {
			return nil, err
		}
		if len(pending) > 0 {
			return nil, fmt.Errorf("%w: %d (%s first); run them before creating a migration", ErrPending, len(pending), pending[0].ID())
		}
		target, err := schema.Build(entities, d, sopts...)
		if err != nil {
			return nil, err
		}
		current, err := schema.Inspect(ctx, m.db)
		if err != nil {
			return nil, err
		}
		diff := schema.Compare(current, target, d, sopts...)
		if diff.Empty() {
			return nil, ErrNoChanges
		}
		up = diff.SQL()
		// Back: from the target to what the database holds now, never in
		// safe mode (what up added goes away).
		down = schema.Compare(target, current, d, schema.IgnoreTables(m.cfg.Table)).SQL()
	}
	all, err := m.Migrations()
	if err != nil {
		return nil, err
	}
	version := m.cfg.Now().UTC().Format("20060102150405")
	for _, mig := range all {
		if compareVersions(mig.Version, version) >= 0 {
			version = nextVersion(mig.Version)
		}
	}
	mig := &Migration{Version: version, Name: SanitizeName(name), Up: up, Down: down, HasDown: true, Dialect: d.Name()}
	if err := os.MkdirAll(m.cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	c := &Created{
		Migration: mig,
		UpPath:    filepath.Join(m.cfg.Dir, mig.ID()+".up.sql"),
		DownPath:  filepath.Join(m.cfg.Dir, mig.ID()+".down.sql"),
	}
	mig.Source = c.UpPath
	now := m.cfg.Now().UTC().Format(time.RFC3339)
	if err := writeSQL(c.UpPath, fmt.Sprintf("-- %s (up), written by unitorm on %s\n%s", mig.ID(), now, dialectLine(d.Name())), up); err != nil {
		return nil, err
	}
	if err := writeSQL(c.DownPath, fmt.Sprintf("-- %s (down), written by unitorm on %s\n%s", mig.ID(), now, dialectLine(d.Name())), down); err != nil {
		return nil, err
	}
	m.logf("wrote %s and %s", c.UpPath, c.DownPath)
	if markApplied {
		if err := m.run(ctx, &Migration{Version: mig.Version, Name: mig.Name}, false); err != nil {
			return c, err
		}
		c.MarkedApplied = true
		m.logf("the schema already matches: %s recorded as applied", mig.ID())
	}
	return c, nil
}

// nextVersion returns the numeric version after v.
func nextVersion(v string) string {
	b := []byte(v)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

func writeSQL(path, header string, stmts []string) error {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("\n")
	if len(stmts) == 0 {
		b.WriteString("-- (no statements)\n")
	}
	for _, s := range stmts {
		b.WriteString("\n")
		b.WriteString(s)
		b.WriteString(";\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Check returns nil when no migration is pending and the schema matches
// the entities; else an error wrapping ErrPending or ErrSchemaDiffers that
// lists what differs.
func (m *Migrator) Check(ctx context.Context, entities []*meta.Entity) error {
	pending, err := m.Pending(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		ids := make([]string, len(pending))
		for i, p := range pending {
			ids[i] = p.ID()
		}
		return fmt.Errorf("%w: %s", ErrPending, strings.Join(ids, ", "))
	}
	sopts := append([]schema.Option{schema.IgnoreTables(m.cfg.Table)}, m.cfg.SchemaOptions...)
	diff, err := schema.CompareDB(ctx, m.db, entities, sopts...)
	if err != nil {
		return err
	}
	if !diff.Empty() {
		lines := make([]string, len(diff.Changes))
		for i, c := range diff.Changes {
			lines[i] = c.String()
		}
		return fmt.Errorf("%w:\n  %s", ErrSchemaDiffers, strings.Join(lines, "\n  "))
	}
	return nil
}
