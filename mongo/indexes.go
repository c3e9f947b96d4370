package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm/meta"
)

// IndexModels returns the indexes entity e declares (unique and plain,
// single-field or compound, named as in SQL) as index models of its
// collection. The key needs none: _id is always unique.
func (d *Driver) IndexModels(e *meta.Entity) ([]mongodrv.IndexModel, error) {
	dm, err := d.docMap(e)
	if err != nil {
		return nil, err
	}
	var out []mongodrv.IndexModel
	for _, ix := range e.Indexes {
		keys := make(bson.D, 0, len(ix.Columns))
		for _, c := range ix.Columns {
			t, err := dm.resolve(c)
			if err != nil {
				return nil, fmt.Errorf("mongo: index %s: %w", ix.Name, err)
			}
			keys = append(keys, bson.E{Key: t.name, Value: 1})
		}
		if len(keys) == 1 && keys[0].Key == "_id" {
			continue
		}
		o := options.Index().SetName(ix.Name)
		if ix.Unique {
			o.SetUnique(true)
		}
		out = append(out, mongodrv.IndexModel{Keys: keys, Options: o})
	}
	return out, nil
}

// EnsureIndexes creates the indexes every registered entity declares, one
// createIndexes command per collection that has any. Creating an index that
// exists with the same definition is a no-op; a unique index over values
// that are already duplicated fails.
func (d *Driver) EnsureIndexes(ctx context.Context) error {
	for _, e := range d.m.reg.Entities() {
		models, err := d.IndexModels(e)
		if err != nil {
			return err
		}
		if len(models) == 0 {
			continue
		}
		if _, err := d.db.Collection(e.Table).Indexes().CreateMany(ctx, models); err != nil {
			return fmt.Errorf("mongo: create indexes on %s: %w", e.Table, err)
		}
	}
	return nil
}
