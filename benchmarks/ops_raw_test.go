package benchmarks

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/jmoiron/sqlx"
)

// pgxOps is the reference: pgx's native interface on one connection, with
// its default statement cache.
func pgxOps(b testing.TB) libOps {
	conn := pgConn(b)
	return libOps{
		insert: func(ctx context.Context, m *Model) error {
			return conn.QueryRow(ctx, insertSQL, m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter).Scan(&m.ID)
		},
		insertMulti: func(ctx context.Context, ms []*Model) error {
			args := make([]any, 0, len(ms)*7)
			for _, m := range ms {
				args = append(args, m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter)
			}
			rows, err := conn.Query(ctx, insertMultiSQL, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			i := 0
			for rows.Next() {
				if err := rows.Scan(&ms[i].ID); err != nil {
					return err
				}
				i++
			}
			return rows.Err()
		},
		update: func(ctx context.Context, m *Model) (func(context.Context, int64) error, error) {
			return func(ctx context.Context, counter int64) error {
				m.Counter = counter
				tag, err := conn.Exec(ctx, updateSQL, m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter, m.ID)
				if err != nil {
					return err
				}
				return affected(tag.RowsAffected())
			}, nil
		},
		read: func(ctx context.Context, id int) (int, int64, error) {
			m := &Model{}
			err := conn.QueryRow(ctx, readSQL, id).Scan(&m.ID, &m.Name, &m.Title, &m.Fax, &m.Web, &m.Age, &m.Right, &m.Counter)
			return m.ID, m.Counter, err
		},
		readSlice: func(ctx context.Context) (int, int64, error) {
			rows, err := conn.Query(ctx, readSliceSQL, 0)
			if err != nil {
				return 0, 0, err
			}
			defer rows.Close()
			ms := make([]*Model, 0, multiRows)
			for rows.Next() {
				m := &Model{}
				if err := rows.Scan(&m.ID, &m.Name, &m.Title, &m.Fax, &m.Web, &m.Age, &m.Right, &m.Counter); err != nil {
					return 0, 0, err
				}
				ms = append(ms, m)
			}
			return sliceResult(ms, rows.Err())
		},
	}
}

// sliceResult is what readSlice reports for a []*Model.
func sliceResult(ms []*Model, err error) (int, int64, error) {
	if err != nil || len(ms) == 0 {
		return len(ms), 0, err
	}
	return len(ms), ms[len(ms)-1].Counter, nil
}

func affected(n int64) error {
	if n != 1 {
		return fmt.Errorf("update matched %d rows, want 1", n)
	}
	return nil
}

// stdlibOps is pgx through database/sql, hand-written.
func stdlibOps(b testing.TB) libOps {
	db := pgSQLDB(b)
	return libOps{
		insert: func(ctx context.Context, m *Model) error {
			return db.QueryRowContext(ctx, insertSQL, m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter).Scan(&m.ID)
		},
		insertMulti: func(ctx context.Context, ms []*Model) error {
			return sqlInsertMulti(ctx, db, ms)
		},
		update: func(ctx context.Context, m *Model) (func(context.Context, int64) error, error) {
			return func(ctx context.Context, counter int64) error {
				m.Counter = counter
				return sqlUpdate(ctx, db, m)
			}, nil
		},
		read: func(ctx context.Context, id int) (int, int64, error) {
			m := &Model{}
			err := db.QueryRowContext(ctx, readSQL, id).Scan(&m.ID, &m.Name, &m.Title, &m.Fax, &m.Web, &m.Age, &m.Right, &m.Counter)
			return m.ID, m.Counter, err
		},
		readSlice: func(ctx context.Context) (int, int64, error) {
			rows, err := db.QueryContext(ctx, readSliceSQL, 0)
			if err != nil {
				return 0, 0, err
			}
			defer rows.Close()
			ms := make([]*Model, 0, multiRows)
			for rows.Next() {
				m := &Model{}
				if err := rows.Scan(&m.ID, &m.Name, &m.Title, &m.Fax, &m.Web, &m.Age, &m.Right, &m.Counter); err != nil {
					return 0, 0, err
				}
				ms = append(ms, m)
			}
			return sliceResult(ms, rows.Err())
		},
	}
}

// sqlQueryer is what *sql.DB and *sqlx.DB share for the writes.
type sqlQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func sqlInsertMulti(ctx context.Context, db sqlQueryer, ms []*Model) error {
	args := make([]any, 0, len(ms)*7)
	for _, m := range ms {
		args = append(args, m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter)
	}
	rows, err := db.QueryContext(ctx, insertMultiSQL, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		if err := rows.Scan(&ms[i].ID); err != nil {
			return err
		}
		i++
	}
	return rows.Err()
}

func sqlUpdate(ctx context.Context, db sqlQueryer, m *Model) error {
	res, err := db.ExecContext(ctx, updateSQL, m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter, m.ID)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	return affected(n)
}

// sqlxOps is sqlx over pgx's stdlib driver: hand-written SQL, struct
// scanning by db tags.
func sqlxOps(b testing.TB) libOps {
	db := sqlx.NewDb(pgSQLDB(b), "pgx")
	return libOps{
		insert: func(ctx context.Context, m *Model) error {
			return db.QueryRowxContext(ctx, insertSQL, m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter).Scan(&m.ID)
		},
		insertMulti: func(ctx context.Context, ms []*Model) error {
			return sqlInsertMulti(ctx, db, ms)
		},
		update: func(ctx context.Context, m *Model) (func(context.Context, int64) error, error) {
			return func(ctx context.Context, counter int64) error {
				m.Counter = counter
				return sqlUpdate(ctx, db, m)
			}, nil
		},
		read: func(ctx context.Context, id int) (int, int64, error) {
			m := &Model{}
			err := db.GetContext(ctx, m, readSQL, id)
			return m.ID, m.Counter, err
		},
		readSlice: func(ctx context.Context) (int, int64, error) {
			ms := make([]*Model, 0, multiRows)
			err := db.SelectContext(ctx, &ms, readSliceSQL, 0)
			return sliceResult(ms, err)
		},
	}
}
