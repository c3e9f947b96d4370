package cli

import (
	"context"
	"errors"
	"flag"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/migrate"
)

// withMigrator opens the database and hands a Migrator to fn.
func (r *run) withMigrator(ctx context.Context, fn func(m *migrate.Migrator) error) error {
	db, err := r.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(r.migrator(db))
}

func init() {
	register(&command{
		name: "migration:create", summary: "write a migration from the schema difference",
		help: "Writes <version>_<name>.up.sql and .down.sql to the migrations folder: by default the difference between the\n" +
			"live schema and the entities (and back). --blank writes empty files; --initial writes the whole schema (and\n" +
			"records it as applied when the database already matches the entities). Needs your entities unless --blank.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			blank := fs.Bool("blank", false, "write empty up and down files")
			initial := fs.Bool("initial", false, "write the whole schema of the entities")
			name := fs.String("name", "", "name of the migration (default migration, or initial)")
			return func(ctx context.Context, r *run) error {
				if *blank && *initial {
					return usagef("--blank and --initial exclude each other")
				}
				var ents []*meta.Entity
				if !*blank {
					var err error
					if ents, err = r.entities(); err != nil {
						return err
					}
				}
				return r.withMigrator(ctx, func(m *migrate.Migrator) error {
					c, err := m.Create(ctx, ents, migrate.CreateOptions{Name: *name, Blank: *blank, Initial: *initial})
					if errors.Is(err, migrate.ErrNoChanges) {
						r.logf("migration:create: no changes, no migration written")
						return nil
					}
					if err != nil {
						return err
					}
					r.printf("%s\n%s\n", c.UpPath, c.DownPath)
					return nil
				})
			}
		},
	})
	register(&command{
		name: "migration:up", summary: "apply pending migrations",
		help: "Applies pending migrations in version order, each in its own transaction where the database allows DDL in\n" +
			"transactions, and records each in the migrations table. --to stops after that version.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			to := fs.String("to", "", "apply up to and including this version")
			return func(ctx context.Context, r *run) error {
				return r.withMigrator(ctx, func(m *migrate.Migrator) error {
					done, err := m.Up(ctx, *to)
					r.logf("migration:up: %d applied", len(done))
					return err
				})
			}
		},
	})
	register(&command{
		name: "migration:down", summary: "revert applied migrations",
		help: "Reverts the last applied migration; with --to, every migration applied after that version (--to 0: all).",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			to := fs.String("to", "", "revert every migration after this version (0 for all)")
			return func(ctx context.Context, r *run) error {
				return r.withMigrator(ctx, func(m *migrate.Migrator) error {
					done, err := m.Down(ctx, *to)
					r.logf("migration:down: %d reverted", len(done))
					return err
				})
			}
		},
	})
	register(&command{
		name: "migration:list", summary: "list migrations and whether they are applied",
		help: "Lists every known or applied migration: version, name, and when it was applied (or pending).",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			return func(ctx context.Context, r *run) error {
				return r.withMigrator(ctx, func(m *migrate.Migrator) error {
					list, err := m.List(ctx)
					if err != nil {
						return err
					}
					for _, s := range list {
						state := "pending"
						if s.Applied != nil {
							state = "applied " + s.Applied.AppliedAt.UTC().Format("2006-01-02 15:04:05")
						}
						if s.Migration == nil {
							state += " (no file)"
						}
						r.printf("%s_%s\t%s\n", s.Version, s.Name, state)
					}
					return nil
				})
			}
		},
	})
	register(&command{
		name: "migration:pending", summary: "list pending migrations",
		help: "Lists the migrations not applied yet, one per line.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			return func(ctx context.Context, r *run) error {
				return r.withMigrator(ctx, func(m *migrate.Migrator) error {
					pending, err := m.Pending(ctx)
					if err != nil {
						return err
					}
					for _, p := range pending {
						r.printf("%s\n", p.ID())
					}
					return nil
				})
			}
		},
	})
	register(&command{
		name: "migration:check", summary: "exit 1 when migrations are pending or needed",
		help: "Exits 0 when no migration is pending and the schema matches the entities, 1 otherwise (printing why):\n" +
			"for CI. Needs your entities.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			return func(ctx context.Context, r *run) error {
				ents, err := r.entities()
				if err != nil {
					return err
				}
				return r.withMigrator(ctx, func(m *migrate.Migrator) error {
					err := m.Check(ctx, ents)
					if errors.Is(err, migrate.ErrPending) || errors.Is(err, migrate.ErrSchemaDiffers) {
						r.printf("%v\n", err)
						return errCheckFailed
					}
					if err == nil {
						r.printf("up to date\n")
					}
					return err
				})
			}
		},
	})
}
