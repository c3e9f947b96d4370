package benchmarks

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The hand-written PostgreSQL baseline of BenchmarkUoW runs on one native
// pgx connection, inside one transaction per phase, and issues the
// statement shapes unitorm's flush issues: multi-row INSERT … RETURNING id,
// UPDATE … SET name = CASE id WHEN … END WHERE id IN (…), DELETE … WHERE id
// IN (…), chunked the same way (under PostgreSQL's 65,535 parameters;
// updates in batches of pgxUpdateBatch rows). lib=pgx-arrays does the same
// work with one array parameter per column (unnest, = ANY), the fastest
// form PostgreSQL offers, to show what a statement shape costs.

// pgxUpdateBatch is the rows per hand-written CASE update, as in unitorm
// (uow.maxCaseRows): a CASE of n branches is evaluated branch by branch for
// each row, so one statement costs O(n²); 100 to 1,000 rows cost about the
// same here.
const pgxUpdateBatch = 300

const userCols = "id2, ready, priority, name"

func benchUoWPgx(b *testing.B, n int) {
	ctx := context.Background()
	conn := pgConn(b)
	read := pgxRows(conn)
	clear := func(b *testing.B) {
		if _, err := conn.Exec(ctx, "DELETE FROM bench_user"); err != nil {
			b.Fatal(err)
		}
	}
	seed := func(b *testing.B) {
		clear(b)
		if err := pgxInsertUsers(ctx, conn, makeUsers(n)); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "ANALYZE bench_user"); err != nil {
			b.Fatal(err)
		}
	}
	inTx := func(b *testing.B, fn func(tx pgx.Tx) error) {
		tx, err := conn.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := fn(tx); err != nil {
			_ = tx.Rollback(ctx)
			b.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
	type variant struct {
		lib    string
		insert func(ctx context.Context, q pgxQuerier, us []*User) error
		update func(ctx context.Context, q pgxQuerier, us []*User) error
		delete func(ctx context.Context, q pgxQuerier, us []*User) error
	}
	variants := []variant{
		{"pgx", pgxInsertUsers, pgxUpdateUsers, pgxDeleteUsers},
		{"pgx-arrays", pgxInsertUsersArrays, pgxUpdateUsersArrays, pgxDeleteUsersArrays},
	}
	for _, v := range variants {
		b.Run("op=insert/lib="+v.lib, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				clear(b)
				us := makeUsers(n)
				b.StartTimer()
				inTx(b, func(tx pgx.Tx) error { return v.insert(ctx, tx, us) })
				b.StopTimer()
				checkUsers(b, v.lib, read, us)
				b.StartTimer()
			}
		})
		if v.lib == "pgx" {
			b.Run("op=find/lib=pgx", func(b *testing.B) {
				seed(b)
				b.ReportAllocs()
				b.ResetTimer()
				var us []*User
				for range b.N {
					var err error
					if us, err = pgxFindUsers(ctx, conn); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				checkFound(b, "pgx", us, n)
			})
		}
		b.Run("op=update/lib="+v.lib, func(b *testing.B) {
			seed(b)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				us, err := pgxFindUsers(ctx, conn)
				if err != nil {
					b.Fatal(err)
				}
				names := newNames(i, n)
				b.StartTimer()
				for j, u := range us {
					u.Name = names[j]
				}
				inTx(b, func(tx pgx.Tx) error { return v.update(ctx, tx, us) })
				b.StopTimer()
				checkUsers(b, v.lib, read, us)
				b.StartTimer()
			}
		})
		b.Run("op=remove/lib="+v.lib, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				seed(b)
				us, err := pgxFindUsers(ctx, conn)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				inTx(b, func(tx pgx.Tx) error { return v.delete(ctx, tx, us) })
				b.StopTimer()
				checkEmpty(b, v.lib, read)
				b.StartTimer()
			}
		})
	}
}

// pgxQuerier is what pgx.Conn and pgx.Tx share.
type pgxQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// placeholders appends "($k, $k+1, …)" groups for rows of width columns.
func placeholders(sb *strings.Builder, rows, width int) {
	k := 1
	for i := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for j := range width {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('$')
			sb.WriteString(strconv.Itoa(k))
			k++
		}
		sb.WriteByte(')')
	}
}

func chunkOf[T any](s []T, n int) [][]T {
	var out [][]T
	for len(s) > n {
		out = append(out, s[:n:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

func exec(ctx context.Context, q pgxQuerier, sql string, args ...any) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}

func pgxInsertUsers(ctx context.Context, q pgxQuerier, us []*User) error {
	for _, chunk := range chunkOf(us, 65535/4) {
		var sb strings.Builder
		sb.WriteString("INSERT INTO bench_user (" + userCols + ") VALUES ")
		placeholders(&sb, len(chunk), 4)
		sb.WriteString(" RETURNING id")
		args := make([]any, 0, len(chunk)*4)
		for _, u := range chunk {
			args = append(args, u.ID2, u.Ready, u.Priority, u.Name)
		}
		if err := scanIDs(ctx, q, chunk, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

func scanIDs(ctx context.Context, q pgxQuerier, us []*User, sql string, args ...any) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		if err := rows.Scan(&us[i].ID); err != nil {
			return err
		}
		i++
	}
	return rows.Err()
}

func pgxFindUsers(ctx context.Context, q pgxQuerier) ([]*User, error) {
	rows, err := q.Query(ctx, "SELECT id, "+userCols+" FROM bench_user")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var us []*User
	for rows.Next() {
		u := &User{}
		if err := rows.Scan(&u.ID, &u.ID2, &u.Ready, &u.Priority, &u.Name); err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

func pgxUpdateUsers(ctx context.Context, q pgxQuerier, us []*User) error {
	for _, chunk := range chunkOf(us, pgxUpdateBatch) {
		var sb strings.Builder
		sb.WriteString("UPDATE bench_user SET name = CASE id")
		args := make([]any, 0, len(chunk)*3)
		for _, u := range chunk {
			sb.WriteString(" WHEN $" + strconv.Itoa(len(args)+1) + " THEN $" + strconv.Itoa(len(args)+2))
			args = append(args, u.ID, u.Name)
		}
		sb.WriteString(" END WHERE id IN (")
		for i, u := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			args = append(args, u.ID)
			sb.WriteString("$" + strconv.Itoa(len(args)))
		}
		sb.WriteString(")")
		if err := exec(ctx, q, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

func pgxDeleteUsers(ctx context.Context, q pgxQuerier, us []*User) error {
	for _, chunk := range chunkOf(us, 65535) {
		var sb strings.Builder
		sb.WriteString("DELETE FROM bench_user WHERE id IN (")
		args := make([]any, len(chunk))
		for i, u := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("$" + strconv.Itoa(i+1))
			args[i] = u.ID
		}
		sb.WriteString(")")
		if err := exec(ctx, q, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

func pgxInsertUsersArrays(ctx context.Context, q pgxQuerier, us []*User) error {
	id2 := make([]int64, len(us))
	ready := make([]bool, len(us))
	prio := make([]int64, len(us))
	name := make([]string, len(us))
	for i, u := range us {
		id2[i], ready[i], prio[i], name[i] = u.ID2, u.Ready, u.Priority, u.Name
	}
	return scanIDs(ctx, q, us, "INSERT INTO bench_user ("+userCols+") SELECT * FROM unnest($1::bigint[], $2::bool[], $3::bigint[], $4::text[]) RETURNING id",
		id2, ready, prio, name)
}

func pgxUpdateUsersArrays(ctx context.Context, q pgxQuerier, us []*User) error {
	ids := make([]int64, len(us))
	names := make([]string, len(us))
	for i, u := range us {
		ids[i], names[i] = u.ID, u.Name
	}
	return exec(ctx, q, "UPDATE bench_user AS u SET name = v.name FROM unnest($1::bigint[], $2::text[]) AS v(id, name) WHERE u.id = v.id", ids, names)
}

func pgxDeleteUsersArrays(ctx context.Context, q pgxQuerier, us []*User) error {
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	return exec(ctx, q, "DELETE FROM bench_user WHERE id = ANY($1)", ids)
}
