package benchmarks

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // MariaDB, to create this run's database
	"github.com/unitorm/unitorm"
	unitormdriver "github.com/unitorm/unitorm/driver"
	"github.com/unitorm/unitorm/em"
)

// User is MikroORM's benchmark entity: {id, id2, ready, priority, name}.
type User struct {
	ID       int64  `orm:"pk"`
	ID2      int64  `orm:"column=id2"`
	Ready    bool   `orm:"column=ready"`
	Priority int64  `orm:"column=priority"`
	Name     string `orm:"column=name"`
}

// TableName keeps clear of PostgreSQL's reserved "user".
func (User) TableName() string { return "bench_user" }

// makeUsers returns n new users (no keys).
func makeUsers(n int) []*User {
	us := make([]*User, n)
	for i := range us {
		us[i] = makeUser(i)
	}
	return us
}

// makeUser returns the i-th new user of makeUsers.
func makeUser(i int) *User {
	return &User{ID2: int64(i), Ready: i%2 == 0, Priority: int64(i % 10), Name: "u" + strconv.Itoa(i)}
}

// uowDB is one database the Unit of Work benchmarks run on.
type uowDB struct {
	name string
	open func(b *testing.B) *unitorm.ORM
}

var uowDatabases = []uowDB{
	{"sqlite", func(b *testing.B) *unitorm.ORM {
		return openORM(b, "sqlite", "file::memory:")
	}},
	{"postgres", func(b *testing.B) *unitorm.ORM {
		return openORM(b, "postgres", pgPoolDSN(b))
	}},
	{"mariadb", func(b *testing.B) *unitorm.ORM {
		if err := createMariaDB(context.Background()); err != nil {
			b.Fatal(err)
		}
		return openORM(b, "mariadb", mariaDSN())
	}},
}

func openORM(b *testing.B, driver, dsn string) *unitorm.ORM {
	b.Helper()
	return openORMWith(b, driver, dsn, User{})
}

// openORMWith is openORM over the given entities.
func openORMWith(b *testing.B, driver, dsn string, entities ...any) *unitorm.ORM {
	b.Helper()
	ctx := context.Background()
	if driver == "postgres" {
		var err error
		if dsn, err = withParam(dsn, "pool_max_conns", "1"); err != nil {
			b.Fatal(err)
		}
	}
	conn, err := unitormdriver.Open(driver, dsn)
	if err != nil {
		b.Fatal(err)
	}
	orm, err := unitorm.Open(ctx, conn, unitorm.Config{Entities: entities})
	if err != nil {
		b.Fatal(err)
	}
	limitConns(orm)
	b.Cleanup(func() { orm.Close() })
	if err := orm.DropSchema(ctx); err != nil {
		b.Fatal(err)
	}
	if err := orm.CreateSchema(ctx); err != nil {
		b.Fatal(err)
	}
	return orm
}

// mariaCreated says whether this run created its MariaDB database.
var mariaCreated bool

func mariaDSN() string { return "root@tcp(127.0.0.1:3306)/" + runID }

func mariaAdmin() (*sql.DB, error) { return sql.Open("mysql", mariaBaseDSN) }

func createMariaDB(ctx context.Context) error {
	if mariaCreated {
		return nil
	}
	db, err := mariaAdmin()
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+runID); err != nil {
		return fmt.Errorf("create MariaDB database (set BENCH_MARIADB_DSN): %w", err)
	}
	mariaCreated = true
	return nil
}

func dropMariaDB(ctx context.Context) error {
	db, err := mariaAdmin()
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+runID)
	return err
}

// BenchmarkUoW is MikroORM's published benchmark: n users inserted
// (persist all + flush), found (all), updated (one field each + flush) and
// removed (remove all + flush), each phase timed on its own. The same
// phases run hand-written in one transaction: with pgx on PostgreSQL
// (uow_pgx_test.go), with database/sql on SQLite and MariaDB
// (uow_sql_test.go); each library's work is checked untimed
// (uow_check_test.go).
func BenchmarkUoW(b *testing.B) {
	for _, d := range uowDatabases {
		if !wantDB(d.name) {
			continue
		}
		b.Run("db="+d.name, func(b *testing.B) {
			orm := d.open(b)
			for _, n := range sizes(b) {
				b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
					benchUoWUnitorm(b, orm, n)
					if d.name == "postgres" {
						benchUoWPgx(b, n)
					} else {
						benchUoWSQL(b, d.name, n)
					}
				})
			}
		})
	}
}

// clearUsers empties the table between iterations (untimed).
func clearUsers(b *testing.B, orm *unitorm.ORM) {
	if _, err := orm.SQL().ExecContext(context.Background(), "DELETE FROM bench_user"); err != nil {
		b.Fatal(err)
	}
}

// seedUsers makes the table hold exactly n users (untimed).
func seedUsers(b *testing.B, orm *unitorm.ORM, n int) {
	clearUsers(b, orm)
	f := orm.Fork()
	for _, u := range makeUsers(n) {
		if err := f.Persist(u); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	analyzeUsers(b, orm.SQL().ExecContext, orm.Dialect().Name())
}

// analyzeUsers refreshes PostgreSQL's statistics after seeding. Without
// them the planner takes the fresh table for a small one and answers
// "id IN (300 keys)" with a sequential scan (13 ms a statement at 100,000
// rows instead of 0.2 ms): a cold-start artefact, not a cost of the library.
func analyzeUsers(b *testing.B, exec func(ctx context.Context, query string, args ...any) (sql.Result, error), dialect string) {
	if dialect != "postgres" {
		return
	}
	if _, err := exec(context.Background(), "ANALYZE bench_user"); err != nil {
		b.Fatal(err)
	}
}

func loadUsers(b *testing.B, f *unitorm.EntityManager, n int) []*User {
	us, err := em.FindAll[User](context.Background(), f)
	if err != nil {
		b.Fatal(err)
	}
	if len(us) != n {
		b.Fatalf("found %d users, want %d", len(us), n)
	}
	return us
}

// newNames returns n names that differ from every earlier round's.
func newNames(round, n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = "r" + strconv.Itoa(round) + "-" + strconv.Itoa(i)
	}
	return names
}

func benchUoWUnitorm(b *testing.B, orm *unitorm.ORM, n int) {
	ctx := context.Background()
	read := unitormRows(orm)
	b.Run("op=insert/lib=unitorm", func(b *testing.B) {
		b.ReportAllocs()
		var cpu cpuMeter
		for range b.N {
			b.StopTimer()
			clearUsers(b, orm)
			us := makeUsers(n)
			b.StartTimer()
			cpu.start()
			f := orm.Fork()
			for _, u := range us {
				if err := f.Persist(u); err != nil {
					b.Fatal(err)
				}
			}
			if err := f.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			cpu.stop()
			b.StopTimer()
			checkUsers(b, "unitorm", read, us)
			b.StartTimer()
		}
		cpu.report(b)
	})
	b.Run("op=find/lib=unitorm", func(b *testing.B) {
		seedUsers(b, orm, n)
		b.ReportAllocs()
		b.ResetTimer()
		var cpu cpuMeter
		cpu.start()
		var us []*User
		for range b.N {
			us = loadUsers(b, orm.Fork(), n)
		}
		cpu.stop()
		b.StopTimer()
		cpu.report(b)
		checkFound(b, "unitorm", us, n)
	})
	b.Run("op=update/lib=unitorm", func(b *testing.B) {
		seedUsers(b, orm, n)
		b.ReportAllocs()
		b.ResetTimer()
		var cpu cpuMeter
		for i := range b.N {
			b.StopTimer()
			f := orm.Fork()
			us := loadUsers(b, f, n)
			names := newNames(i, n)
			b.StartTimer()
			cpu.start()
			for j, u := range us {
				u.Name = names[j]
			}
			if err := f.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			cpu.stop()
			b.StopTimer()
			checkUsers(b, "unitorm", read, us)
			b.StartTimer()
		}
		cpu.report(b)
	})
	b.Run("op=remove/lib=unitorm", func(b *testing.B) {
		b.ReportAllocs()
		var cpu cpuMeter
		for range b.N {
			b.StopTimer()
			seedUsers(b, orm, n)
			f := orm.Fork()
			us := loadUsers(b, f, n)
			b.StartTimer()
			cpu.start()
			for _, u := range us {
				if err := f.Remove(u); err != nil {
					b.Fatal(err)
				}
			}
			if err := f.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			cpu.stop()
		}
		b.StopTimer()
		cpu.report(b)
		checkEmpty(b, "unitorm", read)
	})
}

// cpuMeter adds up the process's CPU time (every goroutine, the collector
// included; user and system) and the wall time over the timed parts of a
// phase. Reported as cpu/wall: well under 1 for PostgreSQL and MariaDB
// means the process waits on the server most of the phase (the database
// bounds it); SQLite runs in the process, so there it is about 1.
type cpuMeter struct {
	cpu, wall time.Duration
	c0        time.Duration
	w0        time.Time
}

func (m *cpuMeter) start() { m.c0, m.w0 = processCPU(), time.Now() }

func (m *cpuMeter) stop() {
	m.cpu += processCPU() - m.c0
	m.wall += time.Since(m.w0)
}

func (m *cpuMeter) report(b *testing.B) {
	if m.wall > 0 {
		b.ReportMetric(float64(m.cpu)/float64(m.wall), "cpu/wall")
	}
}

// processCPU is the CPU time the process has used (user + system).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
