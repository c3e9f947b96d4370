package emsuite

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/qb"
)

// recorder collects the SQL of every statement an ORM runs.
type recorder struct {
	mu   sync.Mutex
	sqls []string
	hook func(unitorm.QueryEvent)
}

func (r *recorder) on(ev unitorm.QueryEvent) {
	r.mu.Lock()
	r.sqls = append(r.sqls, ev.SQL)
	h := r.hook
	r.mu.Unlock()
	if h != nil {
		h(ev)
	}
}

// mark returns a position to pass to since.
func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sqls)
}

// since returns the statements run after mark.
func (r *recorder) since(mark int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sqls[mark:]...)
}

// setHook sets a function called after each statement (nil removes it).
func (r *recorder) setHook(h func(unitorm.QueryEvent)) {
	r.mu.Lock()
	r.hook = h
	r.mu.Unlock()
}

// env is one backend's ORM for one test.
type env struct {
	b   testkit.Backend
	orm *unitorm.ORM
	rec *recorder
}

func (e *env) fork() *em.EntityManager { return e.orm.Fork() }

// count returns the number of rows in table.
func (e *env) count(t *testing.T, table string) int64 {
	t.Helper()
	n, err := qb.Select().From(table).Count(context.Background(), e.orm.SQL())
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// returning reports whether inserts read generated keys with RETURNING.
func (e *env) returning() bool { return e.b != testkit.MySQL }

// allEntities is the model of most tests (see model_test.go).
var allEntities = []any{Author{}, Publisher{}, Book{}, Tag{}, Cart{}, CartItem{}, Revised{},
	Account{}, Note{}, Item{}, Gadget{}, Rogue{}, Parcel{}, Country{}, Membership{}}

// forEachBackend runs fn on every SQL backend with an ORM over the default
// model, its tables created.
func forEachBackend(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	forEachBackendWith(t, nil, fn)
}

// forEachBackendWith is forEachBackend with a hook to change the
// configuration (entities, subscribers, ...) before Open.
func forEachBackendWith(t *testing.T, configure func(*unitorm.Config), fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, b := range testkit.SQLBackends() {
		t.Run(string(b), func(t *testing.T) {
			fn(t, open(t, b, configure))
		})
	}
}

func open(t *testing.T, b testkit.Backend, configure func(*unitorm.Config)) *env {
	t.Helper()
	return openDSN(t, b, nil, configure)
}

// openDSN is open with a hook that may change the target's DSN first.
func openDSN(t *testing.T, b testkit.Backend, dsn func(string) string, configure func(*unitorm.Config)) *env {
	t.Helper()
	tg := testkit.NewTarget(t, b)
	if dsn != nil {
		tg.DSN = dsn(tg.DSN)
	}
	return openAt(t, b, tg.Driver, tg.DSN, configure)
}

// openAt opens an ORM on the database at dsn, its tables created.
func openAt(t *testing.T, b testkit.Backend, drv, dsn string, configure func(*unitorm.Config)) *env {
	t.Helper()
	tg := struct{ Driver, DSN string }{drv, dsn}
	rec := &recorder{}
	cfg := unitorm.Config{Entities: allEntities, OnQuery: rec.on}
	if configure != nil {
		configure(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := driver.Open(tg.Driver, tg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	orm, err := unitorm.Open(ctx, conn, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", b, err)
	}
	t.Cleanup(func() {
		if err := orm.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if err := orm.CreateSchema(ctx); err != nil {
		t.Fatalf("create schema on %s (%s): %v\nran: %q", b, tg.DSN, err, rec.since(0))
	}
	return &env{b: b, orm: orm, rec: rec}
}

var (
	pgParam  = regexp.MustCompile(`\$\d+`)
	spaces   = regexp.MustCompile(`\s+`)
	setList  = regexp.MustCompile(`(?s)^UPDATE (\S+) SET (.*?) WHERE `)
	assignTo = regexp.MustCompile(`(?:^|, )(\w+) = `)
	// jsonForm is a bulk update joined to JSON_TABLE (MySQL, MariaDB):
	// its table and SET list.
	jsonForm = regexp.MustCompile(`(?s)^UPDATE (\S+) AS unitorm_t JOIN JSON_TABLE\(.*\) AS unitorm_v ON .*? SET (.*)$`)
)

// norm makes a statement comparable across dialects: identifier quotes
// dropped, $n placeholders written ?, = ANY(?) written IN (?), runs of
// spaces collapsed.
func norm(sql string) string {
	s := strings.NewReplacer(`"`, "", "`", "").Replace(sql)
	s = pgParam.ReplaceAllString(s, "?")
	// PostgreSQL binds a key list as one array: = ANY(?) is the IN (?) of
	// the other dialects.
	s = strings.ReplaceAll(s, " = ANY(?)", " IN (?)")
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// noReturning drops a trailing RETURNING clause.
func noReturning(sql string) string {
	if i := strings.Index(sql, " RETURNING "); i >= 0 {
		return sql[:i]
	}
	return sql
}

// shape summarizes a statement: its verb and table, with the assigned
// columns of an UPDATE and the row count of an INSERT.
func shape(sql string) string {
	s := noReturning(norm(sql))
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	switch strings.ToUpper(f[0]) {
	case "INSERT":
		rows := 1
		if _, vals, ok := strings.Cut(s, " VALUES "); ok {
			rows = strings.Count(vals, "), (") + 1
		}
		return "INSERT " + f[2] + " ×" + strconv.Itoa(rows)
	case "UPDATE":
		if m := jsonForm.FindStringSubmatch(s); m != nil {
			s = "UPDATE " + m[1] + " SET " + strings.ReplaceAll(m[2], "unitorm_t.", "") + " WHERE "
		}
		m := setList.FindStringSubmatch(s)
		if m == nil {
			return "UPDATE ?"
		}
		var cols []string
		for _, a := range assignTo.FindAllStringSubmatch(m[2], -1) {
			cols = append(cols, a[1])
		}
		return "UPDATE " + m[1] + " SET " + strings.Join(cols, ",")
	case "DELETE":
		if f[1] == "unitorm_t" && len(f) > 3 { // DELETE unitorm_t FROM t AS unitorm_t JOIN JSON_TABLE …
			return "DELETE " + f[3]
		}
		return "DELETE " + f[2]
	case "SELECT":
		for i, w := range f {
			if strings.EqualFold(w, "FROM") && i+1 < len(f) {
				return "SELECT " + f[i+1]
			}
		}
		return "SELECT"
	case "SAVEPOINT":
		return "SAVEPOINT"
	case "RELEASE":
		return "RELEASE SAVEPOINT"
	case "ROLLBACK":
		if len(f) > 1 {
			return "ROLLBACK TO SAVEPOINT"
		}
	}
	return strings.ToUpper(f[0])
}

func shapes(sqls []string) []string {
	out := make([]string, len(sqls))
	for i, s := range sqls {
		out[i] = shape(s)
	}
	return out
}

// equalStrings fails t when got and want differ, showing both.
func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// errorsIsNotFound reports whether err is unitorm.ErrNotFound, which must
// also unwrap to sql.ErrNoRows.
func errorsIsNotFound(err error) bool {
	return errors.Is(err, unitorm.ErrNotFound) && errors.Is(err, sql.ErrNoRows)
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToUpper(s), strings.ToUpper(sub))
}
