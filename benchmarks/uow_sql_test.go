package benchmarks

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite" // the hand-written SQLite baseline's driver
)

// The hand-written SQLite and MariaDB baselines of BenchmarkUoW run on
// database/sql with the drivers unitorm uses (modernc.org/sqlite,
// go-sql-driver/mysql), one connection, one transaction per phase.
// lib=sql issues the statements unitorm's flush issues (found with an
// OnQuery hook): multi-row INSERT … RETURNING id in chunks under the
// parameter limit, UPDATE … SET name = (CASE id WHEN … END) WHERE id IN (…)
// in batches of 300, DELETE … WHERE id IN (…), each sent with its parameters
// as the driver does by default (MariaDB: prepared on the server, run,
// closed). lib=sql-fast runs, per phase, the fastest of the forms
// BenchmarkUoWForms measures (uow_forms_test.go).

// sqlDB is one database a hand-written baseline runs on.
type sqlDB struct {
	name string
	// db sends parameters the driver's default way; text (MariaDB only)
	// interpolates them into the statement text (interpolateParams=true),
	// one round trip a statement instead of prepare, execute and close.
	db, text  *sql.DB
	maxParams int // parameters one statement may carry
	packet    int // bytes one statement may have (MariaDB max_allowed_packet)
	// consecutiveIDs: a multi-row INSERT's keys are LAST_INSERT_ID() + i
	// (InnoDB with innodb_autoinc_lock_mode ≤ 1 and an increment of 1
	// documents this for inserts whose row count is known in advance).
	consecutiveIDs bool
}

// openSQLDB opens the hand-written baseline's connections: its own
// in-memory SQLite database with unitorm's table, or this run's MariaDB
// database (whose table unitorm created).
func openSQLDB(b *testing.B, name string) *sqlDB {
	b.Helper()
	ctx := context.Background()
	switch name {
	case "sqlite":
		db, err := sql.Open("sqlite", "file::memory:?_pragma=foreign_keys(1)")
		if err != nil {
			b.Fatal(err)
		}
		oneConn(db)
		b.Cleanup(func() { db.Close() })
		if _, err := db.ExecContext(ctx, `CREATE TABLE bench_user (id integer PRIMARY KEY AUTOINCREMENT,
			id2 integer NOT NULL, ready integer NOT NULL, priority integer NOT NULL, name varchar(255) NOT NULL)`); err != nil {
			b.Fatal(err)
		}
		return &sqlDB{name: name, db: db, text: db, maxParams: 32766, packet: 1e9}
	case "mariadb":
		open := func(interpolate bool) *sql.DB {
			cfg, err := mysql.ParseDSN(mariaDSN())
			if err != nil {
				b.Fatal(err)
			}
			// unitorm's connection settings (driver/mysql).
			cfg.ClientFoundRows = true
			cfg.Collation = "utf8mb4_general_ci"
			cfg.Params = map[string]string{"time_zone": "'+00:00'"}
			cfg.InterpolateParams = interpolate
			c, err := mysql.NewConnector(cfg)
			if err != nil {
				b.Fatal(err)
			}
			db := sql.OpenDB(c)
			oneConn(db)
			b.Cleanup(func() { db.Close() })
			return db
		}
		d := &sqlDB{name: name, db: open(false), text: open(true), maxParams: 65535}
		var lockMode, increment int
		if err := d.db.QueryRowContext(ctx, "SELECT @@max_allowed_packet, @@innodb_autoinc_lock_mode, @@auto_increment_increment").
			Scan(&d.packet, &lockMode, &increment); err != nil {
			b.Fatal(err)
		}
		d.consecutiveIDs = lockMode <= 1 && increment == 1
		return d
	}
	b.Fatalf("no hand-written baseline for %s", name)
	return nil
}

// sqlPhase runs one phase's statements for us inside tx.
type sqlPhase func(ctx context.Context, d *sqlDB, tx *sql.Tx, us []*User) error

// sqlLib is one hand-written library: one form per write phase.
type sqlLib struct {
	lib                    string
	insert, update, delete sqlForm
}

// sqlSame is lib=sql: the statement shapes unitorm issues without its bulk
// forms (see benchmarks/README.md).
func sqlSame(db string) sqlLib {
	return sqlLib{"sql", form(db, "insert", "returning"), form(db, "update", "case300"), form(db, "remove", "in")}
}

// sqlFast is lib=sql-fast: per phase the form with the fastest round in
// BenchmarkUoWForms (10,000 users, 8 rounds on the shared 2-core machine,
// results/forms/forms.txt; RESULTS.md, "Hand-written forms on SQLite and
// MariaDB").
func sqlFast(db string) sqlLib {
	if db == "sqlite" {
		return sqlLib{"sql-fast", form(db, "insert", "returning-500-stmt"), form(db, "update", "from-values"), form(db, "remove", "json-each")}
	}
	return sqlLib{"sql-fast", form(db, "insert", "returning-500-stmt"), form(db, "update", "json-table"), form(db, "remove", "in")}
}

// form returns the named form of a phase from uowForms.
func form(db, op, name string) sqlForm {
	for _, f := range uowForms[db][op] {
		if f.name == name {
			return f
		}
	}
	panic(fmt.Sprintf("no %s form %q for %s", op, name, db))
}

func (d *sqlDB) conn(text bool) *sql.DB {
	if text {
		return d.text
	}
	return d.db
}

// inTx runs fn in one transaction on the chosen connection.
func (d *sqlDB) inTx(b *testing.B, text bool, fn func(tx *sql.Tx) error) {
	ctx := context.Background()
	tx, err := d.conn(text).BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func (d *sqlDB) clear(b *testing.B) {
	if _, err := d.db.ExecContext(context.Background(), "DELETE FROM bench_user"); err != nil {
		b.Fatal(err)
	}
}

// seed makes the table hold exactly n users, inserted with unitorm's form.
func (d *sqlDB) seed(b *testing.B, n int) {
	d.clear(b)
	us := makeUsers(n)
	d.inTx(b, false, func(tx *sql.Tx) error { return insertReturning(context.Background(), d, tx, us) })
}

func (d *sqlDB) find(b *testing.B) []*User {
	rows, err := d.db.QueryContext(context.Background(), "SELECT id, "+userCols+" FROM bench_user")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var us []*User
	for rows.Next() {
		u := &User{}
		if err := rows.Scan(&u.ID, &u.ID2, &u.Ready, &u.Priority, &u.Name); err != nil {
			b.Fatal(err)
		}
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return us
}

// benchUoWSQL runs the phases of BenchmarkUoW hand-written on database db.
func benchUoWSQL(b *testing.B, db string, n int) {
	ctx := context.Background()
	d := openSQLDB(b, db)
	read := sqlRows(d.db)
	for _, v := range []sqlLib{sqlSame(db), sqlFast(db)} {
		runSQLPhase(b, d, "insert", v.lib, n, func(b *testing.B, _ int) {
			b.StopTimer()
			d.clear(b)
			us := makeUsers(n)
			b.StartTimer()
			d.inTx(b, v.insert.text, func(tx *sql.Tx) error { return v.insert.run(ctx, d, tx, us) })
			b.StopTimer()
			checkUsers(b, v.lib, read, us)
			b.StartTimer()
		})
		if v.lib == "sql" {
			var us []*User
			b.Run("op=find/lib="+v.lib, func(b *testing.B) {
				d.seed(b, n)
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					us = d.find(b)
				}
				b.StopTimer()
				checkFound(b, v.lib, us, n)
			})
		}
		runSQLPhase(b, d, "update", v.lib, n, func(b *testing.B, i int) {
			b.StopTimer()
			us := d.find(b)
			names := newNames(i, n)
			b.StartTimer()
			for j, u := range us {
				u.Name = names[j]
			}
			d.inTx(b, v.update.text, func(tx *sql.Tx) error { return v.update.run(ctx, d, tx, us) })
			b.StopTimer()
			checkUsers(b, v.lib, read, us)
			b.StartTimer()
		})
		runSQLPhase(b, d, "remove", v.lib, n, func(b *testing.B, _ int) {
			b.StopTimer()
			d.seed(b, n)
			us := d.find(b)
			b.StartTimer()
			d.inTx(b, v.delete.text, func(tx *sql.Tx) error { return v.delete.run(ctx, d, tx, us) })
			b.StopTimer()
			checkEmpty(b, v.lib, read)
			b.StartTimer()
		})
	}
}

// runSQLPhase runs one timed phase b.N times; update starts from n seeded
// users, the other phases seed (or clear) inside round themselves.
func runSQLPhase(b *testing.B, d *sqlDB, op, lib string, n int, round func(b *testing.B, i int)) {
	b.Run("op="+op+"/lib="+lib, func(b *testing.B) {
		if op == "update" {
			d.seed(b, n)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			round(b, i)
		}
	})
}
