package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Environment variables read by the CLI.
const (
	EnvDriver          = "UNITORM_DRIVER"           // sqlite, postgres, mysql or mariadb
	EnvDSN             = "UNITORM_DSN"              // the data source name for the driver
	EnvConfig          = "UNITORM_CONFIG"           // path of the config file (default unitorm.json)
	EnvMigrationsDir   = "UNITORM_MIGRATIONS_DIR"   // folder of migration files (default migrations)
	EnvMigrationsTable = "UNITORM_MIGRATIONS_TABLE" // table of applied migrations (default unitorm_migrations)
)

// DefaultConfigFile is read from the working directory when it exists and
// no other file is named.
const DefaultConfigFile = "unitorm.json"

// settings are the resolved connection and migration settings.
type settings struct {
	Driver          string `json:"driver"`
	DSN             string `json:"dsn"`
	MigrationsDir   string `json:"migrationsDir"`
	MigrationsTable string `json:"migrationsTable"`
	configFile      string // the file read, "" when none
}

// commonFlags are the flags every verb takes.
type commonFlags struct {
	driver, dsn, config, migDir, migTable string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.driver, "driver", "", "database driver: sqlite, postgres, mysql or mariadb (env "+EnvDriver+")")
	fs.StringVar(&c.dsn, "dsn", "", "data source name (env "+EnvDSN+")")
	fs.StringVar(&c.config, "config", "", "config file (env "+EnvConfig+", default ./"+DefaultConfigFile+" when present)")
	fs.StringVar(&c.migDir, "migrations-dir", "", "folder of migration files (env "+EnvMigrationsDir+", default migrations)")
	fs.StringVar(&c.migTable, "migrations-table", "", "table of applied migrations (env "+EnvMigrationsTable+", default unitorm_migrations)")
}

// resolve merges, from weakest to strongest: Config, the config file, the
// environment, the flags.
func (c *commonFlags) resolve(cfg Config, getenv func(string) string) (settings, error) {
	s := settings{Driver: cfg.Driver, DSN: cfg.DSN, MigrationsDir: cfg.MigrationsDir, MigrationsTable: cfg.MigrationsTable}
	path, explicit := c.config, c.config != ""
	if path == "" {
		path, explicit = getenv(EnvConfig), getenv(EnvConfig) != ""
	}
	if path == "" {
		path = DefaultConfigFile
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		var f settings
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return s, &usageError{fmt.Errorf("config file %s: %w", path, err)}
		}
		over(&s.Driver, f.Driver)
		over(&s.DSN, f.DSN)
		over(&s.MigrationsDir, f.MigrationsDir)
		over(&s.MigrationsTable, f.MigrationsTable)
		s.configFile = path
	case explicit || !errors.Is(err, fs.ErrNotExist):
		return s, &usageError{fmt.Errorf("config file: %w", err)}
	}
	over(&s.Driver, getenv(EnvDriver))
	over(&s.DSN, getenv(EnvDSN))
	over(&s.MigrationsDir, getenv(EnvMigrationsDir))
	over(&s.MigrationsTable, getenv(EnvMigrationsTable))
	over(&s.Driver, c.driver)
	over(&s.DSN, c.dsn)
	over(&s.MigrationsDir, c.migDir)
	over(&s.MigrationsTable, c.migTable)
	return s, nil
}

func over(dst *string, v string) {
	if v = strings.TrimSpace(v); v != "" {
		*dst = v
	}
}

// maskDSN hides a password in a DSN for printing.
func maskDSN(dsn string) string {
	if at := strings.LastIndex(dsn, "@"); at > 0 {
		head := dsn[:at]
		start := strings.Index(head, "://") + 3
		if start < 3 {
			start = 0
		}
		if colon := strings.Index(head[start:], ":"); colon >= 0 {
			return head[:start+colon+1] + "****" + dsn[at:]
		}
	}
	if i := strings.Index(dsn, "password="); i >= 0 {
		end := strings.IndexAny(dsn[i:], " &")
		if end < 0 {
			return dsn[:i] + "password=****"
		}
		return dsn[:i] + "password=****" + dsn[i+end:]
	}
	return dsn
}
