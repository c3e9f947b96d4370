package benchmarks

import (
	"context"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// gormOps is GORM over pgx's stdlib driver, in its fast configuration: no
// implicit transaction around single writes, silent logger.
func gormOps(b testing.TB) libOps {
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: pgSQLDB(b)}), &gorm.Config{
		SkipDefaultTransaction: true,
		Logger:                 logger.Default.LogMode(logger.Silent),
	})
	if err != nil {
		b.Fatal(err)
	}
	return libOps{
		insert: func(ctx context.Context, m *Model) error {
			return db.WithContext(ctx).Create(m).Error
		},
		insertMulti: func(ctx context.Context, ms []*Model) error {
			return db.WithContext(ctx).Create(&ms).Error
		},
		update: func(ctx context.Context, m *Model) (func(context.Context, int64) error, error) {
			return func(ctx context.Context, counter int64) error {
				m.Counter = counter
				res := db.WithContext(ctx).Save(m)
				if res.Error != nil {
					return res.Error
				}
				return affected(res.RowsAffected)
			}, nil
		},
		read: func(ctx context.Context, id int) (int, int64, error) {
			m := &Model{}
			err := db.WithContext(ctx).Take(m, id).Error
			return m.ID, m.Counter, err
		},
		readSlice: func(ctx context.Context) (int, int64, error) {
			ms := make([]*Model, 0, multiRows)
			err := db.WithContext(ctx).Where("id > ?", 0).Limit(multiRows).Find(&ms).Error
			return sliceResult(ms, err)
		},
	}
}

// bunModel is Model for bun, which names its table through BaseModel.
type bunModel struct {
	bun.BaseModel `bun:"table:models"`

	ID      int    `bun:"id,pk,autoincrement"`
	Name    string `bun:"name,notnull"`
	Title   string `bun:"title,notnull"`
	Fax     string `bun:"fax,notnull"`
	Web     string `bun:"web,notnull"`
	Age     int    `bun:"age,notnull"`
	Right   bool   `bun:"right,notnull"`
	Counter int64  `bun:"counter,notnull"`
}

func toBun(m *Model) bunModel {
	return bunModel{ID: m.ID, Name: m.Name, Title: m.Title, Fax: m.Fax, Web: m.Web, Age: m.Age, Right: m.Right, Counter: m.Counter}
}

// bunOps is bun with its PostgreSQL dialect over pgx's stdlib driver. Its
// write benchmarks copy Model's fields into preallocated bun models (no
// allocation); its reads return bun's own models.
func bunOps(b testing.TB) libOps {
	db := bun.NewDB(pgSQLDB(b), pgdialect.New())
	one := &bunModel{}
	multi := make([]*bunModel, multiRows)
	for i := range multi {
		multi[i] = &bunModel{}
	}
	return libOps{
		insert: func(ctx context.Context, m *Model) error {
			*one = toBun(m)
			_, err := db.NewInsert().Model(one).Exec(ctx)
			m.ID = one.ID
			return err
		},
		insertMulti: func(ctx context.Context, ms []*Model) error {
			for i, m := range ms {
				*multi[i] = toBun(m)
			}
			if _, err := db.NewInsert().Model(&multi).Exec(ctx); err != nil {
				return err
			}
			for i, m := range ms {
				m.ID = multi[i].ID
			}
			return nil
		},
		update: func(ctx context.Context, m *Model) (func(context.Context, int64) error, error) {
			bm := &bunModel{}
			*bm = toBun(m)
			return func(ctx context.Context, counter int64) error {
				bm.Counter = counter
				res, err := db.NewUpdate().Model(bm).WherePK().Exec(ctx)
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
			m := &bunModel{}
			err := db.NewSelect().Model(m).Where("id = ?", id).Scan(ctx)
			return m.ID, m.Counter, err
		},
		readSlice: func(ctx context.Context) (int, int64, error) {
			ms := make([]*bunModel, 0, multiRows)
			if err := db.NewSelect().Model(&ms).Where("id > ?", 0).Limit(multiRows).Scan(ctx); err != nil {
				return 0, 0, err
			}
			if len(ms) == 0 {
				return 0, 0, nil
			}
			return len(ms), ms[len(ms)-1].Counter, nil
		},
	}
}
