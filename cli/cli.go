package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"

	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/migrate"
	"github.com/unitorm/unitorm/schema"
	"github.com/unitorm/unitorm/seeder"
	"github.com/unitorm/unitorm/sqldb"
)

// Exit codes of Main.
const (
	ExitOK    = 0 // done; for migration:check, nothing to migrate
	ExitError = 1 // the operation failed, or migration:check found pending migrations or differences
	ExitUsage = 2 // bad verb, flag or configuration (no driver, no DSN, no entities where needed)
)

// Config is what a program embedding the CLI gives it. Every field is
// optional; settings from the config file, the environment and flags
// override Driver, DSN and the migration settings.
type Config struct {
	// Entities are registered in one call: struct values such as Author{}.
	Entities []any
	// Registry, when set, is used instead of registering Entities.
	Registry *meta.Registry
	// Default connection and migration settings.
	Driver, DSN                    string
	MigrationsDir, MigrationsTable string
	// Migrations are Go migrations besides those added with migrate.Register.
	Migrations []*migrate.Migration
	// Seeders are what seeder:run and schema:fresh --seed run, by name
	// (see seeder_cmds.go).
	Seeders map[string]seeder.Seeder
	// Stdout, Stderr and Getenv default to the process's.
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// usageError is an error that exits with ExitUsage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }

// errCheckFailed marks a check that ran and found something: exit 1
// without an "error:" prefix.
var errCheckFailed = errors.New("check failed")

// run is one invocation of a verb.
type run struct {
	cfg    Config
	set    settings
	stdout io.Writer
	stderr io.Writer
	fs     *flag.FlagSet
	args   []string // positional arguments
	reg    *meta.Registry
}

func (r *run) printf(format string, args ...any) { fmt.Fprintf(r.stdout, format, args...) }

// logf writes a progress line to stderr.
func (r *run) logf(format string, args ...any) {
	fmt.Fprintf(r.stderr, format+"\n", args...)
}

// open connects to the configured database.
func (r *run) open(ctx context.Context) (*sqldb.DB, error) {
	if r.set.Driver == "" {
		return nil, usagef("no driver: give --driver, %s or \"driver\" in %s", EnvDriver, DefaultConfigFile)
	}
	if r.set.DSN == "" {
		return nil, usagef("no DSN: give --dsn, %s or \"dsn\" in %s", EnvDSN, DefaultConfigFile)
	}
	db, err := driver.OpenDB(ctx, r.set.Driver, r.set.DSN)
	if errors.Is(err, driver.ErrUnknown) {
		return nil, &usageError{err}
	}
	return db, err
}

// entities returns the registered entities; verbs that need them fail with
// a usage error when there are none.
func (r *run) entities() ([]*meta.Entity, error) {
	if r.reg == nil || len(r.reg.Entities()) == 0 {
		return nil, usagef("no entities: this verb needs your entities. Build a small program that calls " +
			"cli.Main(os.Args[1:], cli.Config{Entities: []any{...}}) and run that instead of cmd/unitorm")
	}
	return r.reg.Entities(), nil
}

func (r *run) schemaOptions() []schema.Option {
	opts := []schema.Option{schema.IgnoreTables(r.migrator(nil).Table())}
	if r.reg != nil {
		opts = append(opts, schema.WithNaming(r.reg.Naming()))
	}
	return opts
}

func (r *run) migrator(db *sqldb.DB) *migrate.Migrator {
	var sopts []schema.Option
	if r.reg != nil {
		sopts = append(sopts, schema.WithNaming(r.reg.Naming()))
	}
	return migrate.New(db, migrate.Config{
		Dir: r.set.MigrationsDir, Table: r.set.MigrationsTable, Migrations: r.cfg.Migrations,
		Log: r.logf, SchemaOptions: sopts,
	})
}

// command is one verb.
type command struct {
	name    string
	args    string // positional arguments in the usage line
	summary string
	help    string
	flags   func(fs *flag.FlagSet) func(ctx context.Context, r *run) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// Main runs the CLI with args (os.Args[1:]) and returns the exit code.
func Main(args []string, cfg Config) int {
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if len(args) == 0 {
		usage(cfg.Stderr)
		return ExitUsage
	}
	verb := args[0]
	switch verb {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fs, _, _ := newFlagSet(c, cfg.Stdout)
				fs.Usage()
				return ExitOK
			}
			fmt.Fprintf(cfg.Stderr, "unitorm: unknown verb %q\n", args[1])
			return ExitUsage
		}
		usage(cfg.Stdout)
		return ExitOK
	}
	c, ok := commands[verb]
	if !ok {
		fmt.Fprintf(cfg.Stderr, "unitorm: unknown verb %q (see unitorm help)\n", verb)
		return ExitUsage
	}
	fs, cf, body := newFlagSet(c, cfg.Stderr)
	printUsage := fs.Usage
	fs.Usage = func() {} // printed below, to stdout for --help
	positional, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(cfg.Stdout)
		printUsage()
		return ExitOK
	}
	if err != nil {
		// The flag package printed the problem.
		fmt.Fprintf(cfg.Stderr, "see: unitorm help %s\n", verb)
		return ExitUsage
	}
	r := &run{cfg: cfg, stdout: cfg.Stdout, stderr: cfg.Stderr, fs: fs, args: positional}
	r.set, err = cf.resolve(cfg, cfg.Getenv)
	if err == nil {
		r.reg, err = registry(cfg)
	}
	if err == nil {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		err = body(ctx, r)
		stop()
	}
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errCheckFailed):
		return ExitError
	case errors.As(err, &ue):
		fmt.Fprintf(cfg.Stderr, "unitorm %s: %v\n", verb, err)
		return ExitUsage
	default:
		fmt.Fprintf(cfg.Stderr, "unitorm %s: error: %v\n", verb, err)
		return ExitError
	}
}

func registry(cfg Config) (*meta.Registry, error) {
	if cfg.Registry != nil {
		return cfg.Registry, nil
	}
	if len(cfg.Entities) == 0 {
		return nil, nil
	}
	reg := meta.NewRegistry()
	if err := reg.Register(cfg.Entities...); err != nil {
		return nil, &usageError{err}
	}
	return reg, nil
}

func newFlagSet(c *command, out io.Writer) (*flag.FlagSet, *commonFlags, func(context.Context, *run) error) {
	fs := flag.NewFlagSet("unitorm "+c.name, flag.ContinueOnError)
	fs.SetOutput(out)
	cf := &commonFlags{}
	cf.register(fs)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: unitorm %s [flags]%s\n\n%s\n\nflags:\n", c.name, c.args, strings.TrimSpace(c.help))
		fs.PrintDefaults()
		fmt.Fprintf(w, "\nexit codes: %d done, %d failed, %d bad usage or configuration\n", ExitOK, ExitError, ExitUsage)
	}
	return fs, cf, c.flags(fs)
}

// parseInterspersed parses flags that may come before or after positional
// arguments; "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: unitorm <verb> [flags]\n\nverbs:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-20s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nunitorm help <verb> (or unitorm <verb> --help) describes a verb and its flags.\n")
	fmt.Fprintf(w, "Settings: flags, then %s, %s, %s, %s, %s, then the config file, then the program's defaults.\n",
		EnvDriver, EnvDSN, EnvConfig, EnvMigrationsDir, EnvMigrationsTable)
	fmt.Fprintf(w, "Exit codes: %d done, %d failed (or a check found changes), %d bad usage or configuration.\n", ExitOK, ExitError, ExitUsage)
}
