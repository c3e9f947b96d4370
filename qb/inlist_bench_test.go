package qb_test

import (
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/qb"
)

// BenchmarkDeleteInList renders the Unit of Work's delete of 10,000 rows
// by key: normalizing the condition and rendering the statement.
func BenchmarkDeleteInList(b *testing.B) {
	keys := make([]any, 10000)
	for i := range keys {
		keys[i] = int64(i + 1)
	}
	b.ReportAllocs()
	for range b.N {
		where, err := qb.Normalize(qb.Cond{"id": qb.In(keys...)})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := qb.NewDelete(qb.DeleteStmt{Table: "bench_user", Where: where}).ToSQL(dialect.SQLite); err != nil {
			b.Fatal(err)
		}
	}
}
