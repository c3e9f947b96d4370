package benchmarks

import (
	"context"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/postgres"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

// openUnitorm opens unitorm on this run's PostgreSQL schema, one connection.
func openUnitorm(tb testing.TB, entities ...any) *unitorm.ORM {
	tb.Helper()
	orm, err := unitorm.Open(context.Background(), postgres.Open(pgPoolDSN(tb)), unitorm.Config{Entities: entities})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { orm.Close() })
	return orm
}

// pgPoolDSN is pgDSN for unitorm, whose PostgreSQL pool is pgx's: the
// one-connection limit is the pool's.
func pgPoolDSN(tb testing.TB) string {
	dsn, err := withParam(pgDSN, "pool_max_conns", "1")
	if err != nil {
		tb.Fatal(err)
	}
	return dsn
}

// limitConns holds unitorm to one connection: database/sql's pool on
// MySQL, MariaDB and SQLite (PostgreSQL's is sized by its DSN).
func limitConns(orm *unitorm.ORM) {
	if db := orm.DB().SQLDB(); db != nil {
		oneConn(db)
	}
}

// unitormOps is unitorm's normal API: Persist + Flush for writes, Find and
// FindOne for reads. Each insert and read uses a fresh fork (one
// EntityManager per request, as an application would): FindOne on a fork
// that already holds the row would answer from the identity map without a
// query. The update keeps one fork holding the loaded entity and flushes a
// changed field, which is how an update reaches the database in a Unit of
// Work (the flush runs in a transaction: BEGIN, UPDATE, COMMIT).
func unitormOps(b testing.TB) libOps {
	orm := openUnitorm(b, Model{})
	return libOps{
		insert: func(ctx context.Context, m *Model) error {
			f := orm.Fork()
			if err := f.Persist(m); err != nil {
				return err
			}
			return f.Flush(ctx)
		},
		insertMulti: func(ctx context.Context, ms []*Model) error {
			f := orm.Fork()
			for _, m := range ms {
				if err := f.Persist(m); err != nil {
					return err
				}
			}
			return f.Flush(ctx)
		},
		update: func(ctx context.Context, m *Model) (func(context.Context, int64) error, error) {
			f := orm.Fork()
			e, err := em.FindOne[Model](ctx, f, m.ID)
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context, counter int64) error {
				e.Counter = counter
				return f.Flush(ctx)
			}, nil
		},
		read: func(ctx context.Context, id int) (int, int64, error) {
			m, err := em.FindOne[Model](ctx, orm.Fork(), id)
			if err != nil || m == nil {
				return 0, 0, err
			}
			return m.ID, m.Counter, nil
		},
		readSlice: func(ctx context.Context) (int, int64, error) {
			ms, err := em.Find[Model](ctx, orm.Fork(), qb.Cond{"id": qb.Gt(0)}, em.Limit(multiRows))
			return sliceResult(ms, err)
		},
	}
}

// modelColumns are the models columns for the query builder.
var modelColumns = []string{"name", "title", "fax", "web", "age", "right", "counter"}

// unitormQBOps is unitorm's query builder alone (no entities): statements
// built per operation and run through orm.SQL(), results scanned by db tags.
func unitormQBOps(b testing.TB) libOps {
	orm := openUnitorm(b, Model{})
	r := orm.SQL()
	selectCols := []any{"id", "name", "title", "fax", "web", "age", "right", "counter"}
	return libOps{
		insert: func(ctx context.Context, m *Model) error {
			return qb.InsertInto("models").Columns(modelColumns...).
				Values(m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter).
				Returning("id").Scan(ctx, r, &m.ID)
		},
		insertMulti: func(ctx context.Context, ms []*Model) error {
			q := qb.InsertInto("models").Columns(modelColumns...)
			for _, m := range ms {
				q = q.Values(m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter)
			}
			ids := make([]int, 0, len(ms))
			if err := q.Returning("id").Scan(ctx, r, &ids); err != nil {
				return err
			}
			for i, id := range ids {
				ms[i].ID = id
			}
			return nil
		},
		update: func(ctx context.Context, m *Model) (func(context.Context, int64) error, error) {
			return func(ctx context.Context, counter int64) error {
				m.Counter = counter
				res, err := qb.Update("models").Set("name", m.Name).Set("title", m.Title).Set("fax", m.Fax).
					Set("web", m.Web).Set("age", m.Age).Set("right", m.Right).Set("counter", m.Counter).
					Where(qb.Cond{"id": m.ID}).Exec(ctx, r)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				return affected(n)
			}, nil
		},
		read: func(ctx context.Context, id int) (int, int64, error) {
			m := &Model{}
			err := qb.Select(selectCols...).From("models").Where(qb.Cond{"id": id}).Scan(ctx, r, m)
			return m.ID, m.Counter, err
		},
		readSlice: func(ctx context.Context) (int, int64, error) {
			ms := make([]*Model, 0, multiRows)
			err := qb.Select(selectCols...).From("models").Where(qb.Cond{"id": qb.Gt(0)}).Limit(multiRows).Scan(ctx, r, &ms)
			return sliceResult(ms, err)
		},
	}
}
