package benchmarks

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/qb"
)

// The Unit of Work group checks, untimed, that every library did all the
// work: after an insert every row is in the table under the key the library
// gave its struct, after an update every row holds the new name, after a
// find every row came back with its values, after a remove nothing is left.
// A baseline that skipped rows or mapped keys wrongly fails the benchmark.

// userRow is one row of bench_user as the checks read it.
type userRow struct {
	ID   int64  `db:"id"`
	ID2  int64  `db:"id2"`
	Name string `db:"name"`
}

// tableRows reads every row of bench_user.
type tableRows func(b *testing.B) []userRow

func unitormRows(orm *unitorm.ORM) tableRows {
	return func(b *testing.B) []userRow {
		var rows []userRow
		if err := qb.Scan(context.Background(), orm.SQL(), qb.Select("id", "id2", "name").From("bench_user"), &rows); err != nil {
			b.Fatal(err)
		}
		return rows
	}
}

func sqlRows(db *sql.DB) tableRows {
	return func(b *testing.B) []userRow {
		rows, err := db.QueryContext(context.Background(), "SELECT id, id2, name FROM bench_user")
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		var out []userRow
		for rows.Next() {
			var r userRow
			if err := rows.Scan(&r.ID, &r.ID2, &r.Name); err != nil {
				b.Fatal(err)
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		return out
	}
}

func pgxRows(conn *pgx.Conn) tableRows {
	return func(b *testing.B) []userRow {
		rows, err := conn.Query(context.Background(), "SELECT id, id2, name FROM bench_user")
		if err != nil {
			b.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (userRow, error) {
			var u userRow
			err := r.Scan(&u.ID, &u.ID2, &u.Name)
			return u, err
		})
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
}

// checkUsers fails b unless the table holds exactly us: one row per user,
// under the user's key, with its id2 and name.
func checkUsers(b *testing.B, lib string, read tableRows, us []*User) {
	b.Helper()
	if err := matchUsers(read(b), us); err != nil {
		b.Fatalf("lib=%s: %v", lib, err)
	}
}

func matchUsers(rows []userRow, us []*User) error {
	if len(rows) != len(us) {
		return fmt.Errorf("table holds %d users, want %d", len(rows), len(us))
	}
	byID := make(map[int64]userRow, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	for _, u := range us {
		r, ok := byID[u.ID]
		if !ok {
			return fmt.Errorf("user id2=%d got key %d, which no row has", u.ID2, u.ID)
		}
		if r.ID2 != u.ID2 || r.Name != u.Name {
			return fmt.Errorf("row %d holds (id2 %d, %q), its struct (id2 %d, %q)", u.ID, r.ID2, r.Name, u.ID2, u.Name)
		}
		delete(byID, u.ID) // a key given to two structs fails on the second
	}
	return nil
}

// checkFound fails b unless us are the n seeded users with their values.
func checkFound(b *testing.B, lib string, us []*User, n int) {
	b.Helper()
	if len(us) != n {
		b.Fatalf("lib=%s found %d users, want %d", lib, len(us), n)
	}
	seen := make([]bool, n)
	for _, u := range us {
		want := makeUser(int(u.ID2))
		if u.ID2 < 0 || u.ID2 >= int64(n) || seen[u.ID2] || u.ID == 0 ||
			u.Ready != want.Ready || u.Priority != want.Priority || u.Name != want.Name {
			b.Fatalf("lib=%s found %+v, not one of the seeded users", lib, *u)
		}
		seen[u.ID2] = true
	}
}

// checkEmpty fails b unless the table is empty.
func checkEmpty(b *testing.B, lib string, read tableRows) {
	b.Helper()
	if left := len(read(b)); left != 0 {
		b.Fatalf("lib=%s: %d users left after remove", lib, left)
	}
}
