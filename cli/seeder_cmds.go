package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/seeder"
	"github.com/unitorm/unitorm/sqldb"
)

// DefaultSeeder is the seeder seeder:run picks when Config.Seeders holds
// one by this name (MikroORM's DatabaseSeeder) and --seeder is not given.
const DefaultSeeder = "DatabaseSeeder"

func init() {
	register(&command{
		name: "seeder:run", summary: "run seeders (cli.Config.Seeders)",
		help: "Runs a seeder of cli.Config.Seeders, each on a fresh EntityManager, flushing after it: --seeder Name " +
			"(a comma list runs several in that order); without it " + DefaultSeeder + " if there is one, else every seeder by name.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			var sf seedFlags
			sf.registerName(fs)
			sf.seed = true
			return func(ctx context.Context, r *run) error {
				seeders, err := sf.pick(r, dumpRun{run: true})
				if err != nil {
					return err
				}
				if _, err := r.entities(); err != nil {
					return err
				}
				db, err := r.open(ctx)
				if err != nil {
					return err
				}
				defer db.Close()
				return r.seed(ctx, db, seeders)
			}
		},
	})
}

// seedFlags are --seed and --seeder.
type seedFlags struct {
	seed bool
	name string
}

func (s *seedFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&s.seed, "seed", false, "run the seeders afterwards (with --run)")
	s.registerName(fs)
}

func (s *seedFlags) registerName(fs *flag.FlagSet) {
	fs.StringVar(&s.name, "seeder", "", "the seeder(s) to run, by name in cli.Config.Seeders (comma list); default "+DefaultSeeder+" or all")
}

type namedSeeder struct {
	name string
	s    seeder.Seeder
}

// pick returns the seeders to run (none without --seed), checked before
// anything runs.
func (s *seedFlags) pick(r *run, dr dumpRun) ([]namedSeeder, error) {
	if !s.seed {
		if s.name != "" {
			return nil, usagef("--seeder without --seed")
		}
		return nil, nil
	}
	if !dr.run {
		return nil, usagef("--seed needs --run")
	}
	all := r.cfg.Seeders
	if len(all) == 0 {
		return nil, usagef("no seeders: give cli.Config{Seeders: map[string]seeder.Seeder{...}} in your program")
	}
	var names []string
	switch {
	case s.name != "":
		names = strings.Split(s.name, ",")
	case all[DefaultSeeder] != nil:
		names = []string{DefaultSeeder}
	default:
		for n := range all {
			names = append(names, n)
		}
		slices.Sort(names)
	}
	out := make([]namedSeeder, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		sd, ok := all[n]
		if !ok || sd == nil {
			known := make([]string, 0, len(all))
			for k := range all {
				known = append(known, k)
			}
			slices.Sort(known)
			return nil, usagef("no seeder %q (have: %s)", n, strings.Join(known, ", "))
		}
		out = append(out, namedSeeder{n, sd})
	}
	return out, nil
}

// seed runs seeders on an EntityManager over db.
func (r *run) seed(ctx context.Context, db *sqldb.DB, seeders []namedSeeder) error {
	if len(seeders) == 0 {
		return nil
	}
	m, err := r.entityManager(ctx, db)
	if err != nil {
		return err
	}
	for _, s := range seeders {
		r.logf("seeding with %s", s.name)
		if err := seeder.Run(ctx, m, s.s); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	r.logf("seeded (%d seeder(s))", len(seeders))
	return nil
}

// entityManager returns a root EntityManager (for forking) over db.
func (r *run) entityManager(ctx context.Context, db *sqldb.DB) (*em.EntityManager, error) {
	conn, err := unitorm.SQLConnector(func(context.Context) (*sqldb.DB, error) { return db, nil }).Connect(ctx, r.reg)
	if err != nil {
		return nil, err
	}
	return em.New(em.Config{Registry: r.reg, Driver: conn})
}
