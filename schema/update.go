package schema

import (
	"context"

	"github.com/unitorm/unitorm/meta"
)

// CompareDB reads db's live schema and compares it with the schema the
// entities need.
func CompareDB(ctx context.Context, db DB, entities []*meta.Entity, opts ...Option) (*Diff, error) {
	target, err := Build(entities, db.Dialect(), opts...)
	if err != nil {
		return nil, err
	}
	current, err := Inspect(ctx, db)
	if err != nil {
		return nil, err
	}
	return Compare(current, target, db.Dialect(), opts...), nil
}

// UpdateSQL returns the statements that bring db's schema in line with the
// entities (none when it already is). With Safe, no table or column is
// dropped.
func UpdateSQL(ctx context.Context, db DB, entities []*meta.Entity, opts ...Option) ([]string, error) {
	diff, err := CompareDB(ctx, db, entities, opts...)
	if err != nil {
		return nil, err
	}
	return diff.SQL(), nil
}

// Update brings db's schema in line with the entities. Running it twice
// in a row does nothing the second time.
func Update(ctx context.Context, db DB, entities []*meta.Entity, opts ...Option) error {
	stmts, err := UpdateSQL(ctx, db, entities, opts...)
	if err != nil {
		return err
	}
	return Exec(ctx, db, stmts)
}
