package cli

import (
	"context"
	"flag"
	"fmt"
	"github.com/unitorm/unitorm/meta"

	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/sqldb"
)

// dumpRun are the --dump and --run flags of the schema verbs.
type dumpRun struct{ dump, run bool }

func (d *dumpRun) register(fs *flag.FlagSet) {
	fs.BoolVar(&d.dump, "dump", false, "print the SQL statements")
	fs.BoolVar(&d.run, "run", false, "execute the SQL statements")
}

func (d *dumpRun) check() error {
	if !d.dump && !d.run {
		return usagef("give --dump to print the SQL, --run to execute it, or both")
	}
	return nil
}

// apply dumps and/or runs statements.
func (r *run) apply(ctx context.Context, db *sqldb.DB, dr dumpRun, what string, stmts []string) error {
	if dr.dump {
		for _, s := range stmts {
			r.printf("%s;\n", s)
		}
	}
	if !dr.run {
		return nil
	}
	if len(stmts) == 0 {
		r.logf("%s: nothing to do", what)
		return nil
	}
	r.logf("%s: running %d statements", what, len(stmts))
	if err := schema.Exec(ctx, db, stmts); err != nil {
		return err
	}
	r.logf("%s: done", what)
	return nil
}

func init() {
	register(&command{
		name: "schema:create", summary: "create the tables of the entities",
		help: "Creates the tables, indexes and foreign keys of the registered entities (and their pivot tables), parents first.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			var dr dumpRun
			dr.register(fs)
			ifNotExists := fs.Bool("if-not-exists", false, "skip tables that already exist")
			return withEntities(&dr, func(ctx context.Context, r *run, ents []*meta.Entity, db *sqldb.DB) error {
				opts := r.schemaOptions()
				if *ifNotExists {
					opts = append(opts, schema.IfNotExists())
				}
				stmts, err := schema.CreateSQL(ents, db.Dialect(), opts...)
				if err != nil {
					return err
				}
				if *ifNotExists && dr.run {
					// Leave existing tables out, as schema.Create does.
					if dr.dump {
						for _, s := range stmts {
							r.printf("%s;\n", s)
						}
					}
					r.logf("schema:create: creating missing tables")
					return schema.Create(ctx, db, ents, opts...)
				}
				return r.apply(ctx, db, dr, "schema:create", stmts)
			})
		},
	})
	register(&command{
		name: "schema:update", summary: "bring the schema in line with the entities",
		help: "Compares the live schema with the entities and creates, alters and drops tables, columns, indexes and foreign keys\n" +
			"so that they match. Running it again right after prints nothing. With --safe no table or column is dropped.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			var dr dumpRun
			dr.register(fs)
			safe := fs.Bool("safe", false, "never drop tables or columns")
			return withEntities(&dr, func(ctx context.Context, r *run, ents []*meta.Entity, db *sqldb.DB) error {
				opts := r.schemaOptions()
				if *safe {
					opts = append(opts, schema.Safe())
				}
				diff, err := schema.CompareDB(ctx, db, ents, opts...)
				if err != nil {
					return err
				}
				for _, c := range diff.Changes {
					r.logf("schema:update: %s", c)
				}
				return r.apply(ctx, db, dr, "schema:update", diff.SQL())
			})
		},
	})
	register(&command{
		name: "schema:drop", summary: "drop the tables of the entities",
		help: "Drops the tables of the registered entities (and their pivot tables), children first.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			var dr dumpRun
			dr.register(fs)
			dropMig := fs.Bool("drop-migrations-table", false, "drop the migrations table too")
			return withEntities(&dr, func(ctx context.Context, r *run, ents []*meta.Entity, db *sqldb.DB) error {
				stmts, err := schema.DropSQL(ents, db.Dialect(), append(r.schemaOptions(), schema.IfExists())...)
				if err != nil {
					return err
				}
				if *dropMig {
					mt := &schema.Schema{Tables: []*schema.Table{{Name: r.migrator(nil).Table()}}}
					stmts = append(stmts, mt.DropSQL(db.Dialect(), schema.IfExists())...)
				}
				return r.apply(ctx, db, dr, "schema:drop", stmts)
			})
		},
	})
	register(&command{
		name: "schema:fresh", summary: "drop and recreate the tables of the entities (--seed: and seed them)",
		help: "Drops the tables of the registered entities if they exist, then creates them again: an empty, current schema. With --run --seed, then runs the seeders (see seeder:run).",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			var dr dumpRun
			dr.register(fs)
			var sf seedFlags
			sf.register(fs)
			return withEntities(&dr, func(ctx context.Context, r *run, ents []*meta.Entity, db *sqldb.DB) error {
				seeders, err := sf.pick(r, dr)
				if err != nil {
					return err
				}
				drop, err := schema.DropSQL(ents, db.Dialect(), append(r.schemaOptions(), schema.IfExists())...)
				if err != nil {
					return err
				}
				create, err := schema.CreateSQL(ents, db.Dialect(), r.schemaOptions()...)
				if err != nil {
					return err
				}
				if err := r.apply(ctx, db, dr, "schema:fresh (drop)", drop); err != nil {
					return fmt.Errorf("drop: %w", err)
				}
				if err := r.apply(ctx, db, dr, "schema:fresh (create)", create); err != nil {
					return err
				}
				return r.seed(ctx, db, seeders)
			})
		},
	})
}

// withEntities wraps a verb that works on the registered entities: it
// checks --dump/--run, gets the entities, opens the database and closes it
// when fn is done.
func withEntities(dr *dumpRun, fn func(ctx context.Context, r *run, ents []*meta.Entity, db *sqldb.DB) error) func(context.Context, *run) error {
	return func(ctx context.Context, r *run) error {
		if err := dr.check(); err != nil {
			return err
		}
		ents, err := r.entities()
		if err != nil {
			return err
		}
		db, err := r.open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		return fn(ctx, r, ents, db)
	}
}
