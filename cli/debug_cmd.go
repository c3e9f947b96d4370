package cli

import (
	"context"
	"flag"
	"time"
)

func init() {
	register(&command{
		name: "debug", summary: "show the configuration, check the connection, list the entities",
		help: "Prints the resolved settings and where they come from, connects to the database (exit 1 when it cannot),\n" +
			"and lists the registered entities with their tables.",
		flags: func(fs *flag.FlagSet) func(context.Context, *run) error {
			return func(ctx context.Context, r *run) error {
				cf := r.set.configFile
				if cf == "" {
					cf = "(none)"
				}
				r.printf("config file:      %s\n", cf)
				r.printf("driver:           %s\n", orUnset(r.set.Driver))
				r.printf("dsn:              %s\n", orUnset(maskDSN(r.set.DSN)))
				m := r.migrator(nil)
				r.printf("migrations dir:   %s\n", orDefault(r.set.MigrationsDir, "migrations"))
				r.printf("migrations table: %s\n", m.Table())
				if r.reg == nil || len(r.reg.Entities()) == 0 {
					r.printf("entities:         none registered (cmd/unitorm has none: build your own binary with cli.Main)\n")
				} else {
					r.printf("entities:         %d\n", len(r.reg.Entities()))
					for _, e := range r.reg.Entities() {
						r.printf("  %-20s table %s\n", e.Name, e.Table)
					}
				}
				cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
				defer cancel()
				db, err := r.open(cctx)
				if err != nil {
					r.printf("connection:       FAILED: %v\n", err)
					return errCheckFailed
				}
				defer db.Close()
				r.printf("connection:       ok (%s)\n", db.Dialect().Name())
				return nil
			}
		},
	})
}

func orUnset(s string) string {
	if s == "" {
		return "(unset)"
	}
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
