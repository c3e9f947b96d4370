package migrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/unitorm/unitorm/schema"
)

// Func is a migration step written in Go. ex is the migration's
// transaction (or connection where DDL is not transactional).
type Func func(ctx context.Context, ex schema.Execer) error

// Migration is one migration: SQL statements or Go functions for each
// direction.
type Migration struct {
	Version string // sortable, normally a UTC timestamp: 20240506070809
	Name    string // snake_case description
	Up      []string
	Down    []string
	UpFunc  Func
	// DownFunc reverts a Go migration; nil with no Down statements means
	// the migration cannot be reverted.
	DownFunc Func
	// Source says where the migration comes from: a file path or "go".
	Source string
	// HasDown is true when a down step exists (possibly empty).
	HasDown bool
	// Dialect is the database the migration was written for (the
	// "-- unitorm:dialect <name>" line of its files; "" when unknown):
	// Up and Down refuse it on another database before running any SQL.
	Dialect string
}

// ID is <version>_<name>.
func (m *Migration) ID() string { return m.Version + "_" + m.Name }

var (
	versionRE  = regexp.MustCompile(`^[0-9]{1,20}$`)
	nameRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)
	fileNameRE = regexp.MustCompile(`^([0-9]{1,20})_([a-z0-9][a-z0-9_]*)\.(up|down)\.sql$`)
)

var (
	registryMu sync.Mutex
	registered []*Migration
)

// Register adds a Go migration to the ones every Migrator sees (call it from
// an init function). down may be nil for an irreversible migration. It
// panics on an invalid version or name, as a programming error caught at
// start-up.
func Register(version, name string, up, down Func) {
	if !versionRE.MatchString(version) || !nameRE.MatchString(name) || up == nil {
		panic(fmt.Sprintf("migrate: Register(%q, %q): version must be digits, name snake_case, up not nil", version, name))
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	registered = append(registered, &Migration{Version: version, Name: name, UpFunc: up, DownFunc: down, HasDown: down != nil, Source: "go"})
}

// Registered returns the Go migrations added with Register.
func Registered() []*Migration {
	registryMu.Lock()
	defer registryMu.Unlock()
	return slices.Clone(registered)
}

// SanitizeName turns a description into a migration name: lower case,
// runs of other characters than letters and digits become one underscore.
func SanitizeName(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	out := strings.TrimSuffix(b.String(), "_")
	if out == "" {
		out = "migration"
	}
	return out
}

// ReadFS reads the migrations of a folder: files named
// <version>_<name>.up.sql and <version>_<name>.down.sql (other files are
// ignored). A missing folder holds no migrations.
func ReadFS(fsys fs.FS, dir string) ([]*Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("migrate: read %s: %w", dir, err)
	}
	byVersion := map[string]*Migration{}
	var out []*Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		m := fileNameRE.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("%w: %s (want <version>_<name>.up.sql or .down.sql)", ErrBadName, e.Name())
		}
		path := e.Name()
		if dir != "." && dir != "" {
			path = dir + "/" + e.Name()
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		mig := byVersion[m[1]]
		if mig == nil {
			mig = &Migration{Version: m[1], Name: m[2], Source: path}
			byVersion[m[1]] = mig
			out = append(out, mig)
		} else if mig.Name != m[2] {
			return nil, fmt.Errorf("%w: version %s is used by %s and %s", ErrDuplicate, m[1], mig.Name, m[2])
		}
		if d := fileDialect(data); d != "" {
			if mig.Dialect != "" && mig.Dialect != d {
				return nil, fmt.Errorf("%w: %s says %s, its other file %s", ErrWrongDialect, path, d, mig.Dialect)
			}
			mig.Dialect = d
		}
		stmts := SplitStatements(string(data))
		if m[3] == "up" {
			mig.Up = stmts
		} else {
			mig.Down, mig.HasDown = stmts, true
		}
	}
	return out, nil
}

// merge sorts migrations by version and rejects duplicates.
func merge(sets ...[]*Migration) ([]*Migration, error) {
	var all []*Migration
	seen := map[string]*Migration{}
	for _, set := range sets {
		for _, m := range set {
			if other, ok := seen[m.Version]; ok {
				return nil, fmt.Errorf("%w: %s is used by %s (%s) and %s (%s)", ErrDuplicate, m.Version, other.Name, other.Source, m.Name, m.Source)
			}
			seen[m.Version] = m
			all = append(all, m)
		}
	}
	slices.SortFunc(all, func(a, b *Migration) int { return compareVersions(a.Version, b.Version) })
	return all, nil
}

// compareVersions orders numeric versions by value (shorter is smaller).
func compareVersions(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
