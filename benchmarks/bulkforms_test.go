package benchmarks

import (
	"context"
	"strconv"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/uow"
)

// VUser is User with a version column: its updates and deletes check each
// row's version.
type VUser struct {
	ID       int64  `orm:"pk"`
	ID2      int64  `orm:"column=id2"`
	Ready    bool   `orm:"column=ready"`
	Priority int64  `orm:"column=priority"`
	Name     string `orm:"column=name"`
	Version  int64  `orm:"version"`
}

func (VUser) TableName() string { return "bench_vuser" }

// BenchmarkJSONForms measures where the JSON forms start to pay: MariaDB's
// JSON_TABLE (uow.JSONMinRows) against the CASE batches (update) and the IN
// list or OR of key and version pairs (delete), and SQLite's json_each
// deletes (uow.JSONEachMinRows) against the IN list or OR of pairs. The
// same flush of n users with the threshold forced either way, for User and
// the versioned VUser; the ratio per n (same run) is what the thresholds
// are set from. SQLite has no JSON update form.
func BenchmarkJSONForms(b *testing.B) {
	saved, savedEach := uow.JSONMinRows, uow.JSONEachMinRows
	defer func() { uow.JSONMinRows, uow.JSONEachMinRows = saved, savedEach }()
	for _, db := range []string{"mariadb", "sqlite"} {
		if !wantDB(db) {
			continue
		}
		b.Run("db="+db, func(b *testing.B) {
			benchJSONForms(b, openBulkORM(b, db, User{}, VUser{}), db == "mariadb")
		})
	}
}

func benchJSONForms(b *testing.B, orm *unitorm.ORM, updates bool) {
	ctx := context.Background()
	for _, n := range []int{2, 4, 8, 16, 32, 64, 256, 1000, 2000, 4000, 10000} {
		for _, entity := range []string{"user", "vuser"} {
			for _, form := range []string{"plain", "json"} {
				force := func() {
					if form == "json" {
						uow.JSONMinRows.All(1)
						uow.JSONEachMinRows.All(1)
					} else {
						uow.JSONMinRows.All(1 << 30)
						uow.JSONEachMinRows.All(1 << 30)
					}
				}
				name := "n=" + strconv.Itoa(n) + "/entity=" + entity
				if updates {
					b.Run(name+"/op=update/form="+form, func(b *testing.B) {
						force()
						seedAny(b, orm, entity, n)
						for i := range b.N {
							b.StopTimer()
							f := orm.Fork()
							names := newNames(i, n)
							loadAny(b, f, entity, func(j int, name *string) { *name = names[j] })
							b.StartTimer()
							if err := f.Flush(ctx); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
				b.Run(name+"/op=remove/form="+form, func(b *testing.B) {
					force()
					for range b.N {
						b.StopTimer()
						seedAny(b, orm, entity, n)
						f := orm.Fork()
						loadAny(b, f, entity, nil)
						removeAll(b, f, entity)
						b.StartTimer()
						if err := f.Flush(ctx); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// seedAny makes the entity's table hold exactly n rows (untimed).
func seedAny(b *testing.B, orm *unitorm.ORM, entity string, n int) {
	if entity == "user" {
		seedUsers(b, orm, n)
		return
	}
	if _, err := orm.SQL().ExecContext(context.Background(), "DELETE FROM bench_vuser"); err != nil {
		b.Fatal(err)
	}
	f := orm.Fork()
	for _, u := range makeUsers(n) {
		if err := f.Persist(&VUser{ID2: u.ID2, Ready: u.Ready, Priority: u.Priority, Name: u.Name}); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// loadAny loads every row of the entity into f, calling set (when given)
// with each one's name.
func loadAny(b *testing.B, f *unitorm.EntityManager, entity string, set func(i int, name *string)) {
	ctx := context.Background()
	if entity == "user" {
		us, err := em.FindAll[User](ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		for i, u := range us {
			if set != nil {
				set(i, &u.Name)
			}
		}
		return
	}
	vs, err := em.FindAll[VUser](ctx, f)
	if err != nil {
		b.Fatal(err)
	}
	for i, v := range vs {
		if set != nil {
			set(i, &v.Name)
		}
	}
}

// removeAll schedules every managed row of the entity for removal.
func removeAll(b *testing.B, f *unitorm.EntityManager, entity string) {
	ctx := context.Background()
	var all []any
	if entity == "user" {
		us, err := em.FindAll[User](ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		for _, u := range us {
			all = append(all, u)
		}
	} else {
		vs, err := em.FindAll[VUser](ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range vs {
			all = append(all, v)
		}
	}
	if err := f.Remove(all...); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPreparedChunks measures the rows of the insert chunks that run
// on one prepared statement (uow.PreparedChunkRows) on SQLite and MariaDB:
// n users inserted with each chunk size, and with one statement under the
// parameter limit (rows=max).
func BenchmarkPreparedChunks(b *testing.B) {
	ctx := context.Background()
	saved := uow.PreparedChunkRows
	defer func() { uow.PreparedChunkRows = saved }()
	for _, db := range []string{"sqlite", "mariadb"} {
		if !wantDB(db) {
			continue
		}
		b.Run("db="+db, func(b *testing.B) {
			orm := openBulkORM(b, db, User{})
			for _, n := range sizes(b) {
				for _, rows := range []int{100, 250, 500, 1000, 2000, 1 << 30} {
					label := strconv.Itoa(rows)
					if rows == 1<<30 {
						label = "max"
					}
					b.Run("n="+strconv.Itoa(n)+"/rows="+label, func(b *testing.B) {
						uow.PreparedChunkRows = rows
						for range b.N {
							b.StopTimer()
							clearUsers(b, orm)
							f := orm.Fork()
							for _, u := range makeUsers(n) {
								if err := f.Persist(u); err != nil {
									b.Fatal(err)
								}
							}
							b.StartTimer()
							if err := f.Flush(ctx); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			}
		})
	}
}

// openBulkORM opens unitorm over the entities on db ("sqlite", in memory,
// or "mariadb", this run's database), with a fresh schema.
func openBulkORM(b *testing.B, db string, entities ...any) *unitorm.ORM {
	b.Helper()
	if db == "mariadb" {
		if err := createMariaDB(context.Background()); err != nil {
			b.Fatal(err)
		}
		return openORMWith(b, "mariadb", mariaDSN(), entities...)
	}
	return openORMWith(b, "sqlite", "file::memory:", entities...)
}
