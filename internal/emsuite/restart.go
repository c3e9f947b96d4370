package emsuite

import (
	"context"
	"fmt"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/internal/testkit"
	"github.com/unitorm/unitorm/qb"
)

// TestServerRestartBetweenFlushes restarts the database server (a private
// one: the shared server is never stopped) while the ORM's pool holds idle
// connections to it. Every one of them is dead afterwards, and nothing had
// been sent on them: the flushes and reads that follow all succeed, each on
// a fresh connection, and the rows written before and after are all there.
func TestServerRestartBetweenFlushes(t *testing.T) {
	for _, b := range []testkit.Backend{testkit.Postgres, testkit.MariaDB} {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			srv := testkit.StartPrivate(t, b)
			e := openAt(t, b, string(b), srv.DSN, nil)
			ctx := context.Background()
			const n = 4
			flush := func(round, i int) {
				t.Helper()
				m := e.fork()
				m.Persist(&Author{Name: "Restart", Email: fmt.Sprintf("r%d-%d@x", round, i)})
				if err := m.Flush(ctx); err != nil {
					t.Fatalf("round %d: flush %d after the restart: %v", round, i, err)
				}
			}
			for round := range 2 {
				warmPool(t, e, n)
				flush(round, 0)
				srv.Restart()
				for i := 1; i <= n+2; i++ {
					flush(round, i)
				}
				warmPool(t, e, n)
				srv.Restart()
				for i := range n + 2 {
					got, err := em.Find[Author](ctx, e.fork(), qb.Cond{"name": "Restart"})
					if err != nil {
						t.Fatalf("round %d: find %d after the restart: %v", round, i, err)
					}
					if want := (round + 1) * (n + 3); len(got) != want {
						t.Fatalf("round %d: %d rows after the restart, want %d", round, len(got), want)
					}
				}
			}
		})
	}
}
