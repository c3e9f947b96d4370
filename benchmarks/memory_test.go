package benchmarks

import (
	"context"
	"runtime"
	"testing"
)

// BenchmarkMemoryPerEntity is the heap one managed User costs: the heap
// after loading n users into one EntityManager (entities, Identity Map
// entries, snapshots), divided by n, against the same rows scanned by pgx
// into a plain []User. Reported as B/entity, B/plain-row and their ratio.
func BenchmarkMemoryPerEntity(b *testing.B) {
	const n = 100_000
	orm := openORM(b, "postgres", pgPoolDSN(b))
	seedUsers(b, orm, n)
	conn := pgConn(b)
	ctx := context.Background()
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var managed, plain float64
	for range b.N {
		before := heap()
		f := orm.Fork()
		us := loadUsers(b, f, n)
		after := heap()
		runtime.KeepAlive(us)
		runtime.KeepAlive(f)
		managed = float64(after-before) / n

		before = heap()
		rows, err := conn.Query(ctx, "SELECT id, id2, ready, priority, name FROM bench_user")
		if err != nil {
			b.Fatal(err)
		}
		var out []User
		for rows.Next() {
			var u User
			if err := rows.Scan(&u.ID, &u.ID2, &u.Ready, &u.Priority, &u.Name); err != nil {
				b.Fatal(err)
			}
			out = append(out, u)
		}
		rows.Close()
		out = out[:len(out):len(out)]
		after = heap()
		runtime.KeepAlive(out)
		if len(out) != n {
			b.Fatalf("%d plain rows", len(out))
		}
		plain = float64(after-before) / n
	}
	b.ReportMetric(managed, "B/entity")
	b.ReportMetric(plain, "B/plain-row")
	b.ReportMetric(managed/plain, "x-plain")
}
