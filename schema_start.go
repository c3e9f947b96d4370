package unitorm

import (
	"context"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/schema"
)

// Schema work at start-up. A service that owns its schema calls one of
//
//	err = orm.CreateSchema(ctx, schema.IfNotExists()) // create what is missing; a restart runs nothing
//	err = orm.UpdateSchema(ctx, schema.Safe())        // also add new columns and indexes; never drop
//
// when it starts; one whose schema is managed by migrations runs
// `unitorm migration:up` before deploying instead.

// schemaCreator is a Conn that takes schema options (the SQL ones).
type schemaCreator interface {
	CreateSchemaWith(ctx context.Context, entities []*meta.Entity, opts ...schema.Option) error
	UpdateSchemaWith(ctx context.Context, entities []*meta.Entity, opts ...schema.Option) error
}

func (o *ORM) createSchema(ctx context.Context, opts []schema.Option) error {
	if sc, ok := o.conn.(schemaCreator); ok {
		return sc.CreateSchemaWith(ctx, o.reg.Entities(), opts...)
	}
	return o.conn.CreateSchema(ctx, o.reg.Entities())
}

// UpdateSchema brings the live schema in line with the entities
// (schema.Update: a second run changes nothing). With schema.Safe() it never
// drops a table or column: the documented start-up call for a service that
// manages its own schema. On MongoDB it ensures the indexes, as CreateSchema.
func (o *ORM) UpdateSchema(ctx context.Context, opts ...schema.Option) error {
	if sc, ok := o.conn.(schemaCreator); ok {
		return sc.UpdateSchemaWith(ctx, o.reg.Entities(), opts...)
	}
	return o.conn.CreateSchema(ctx, o.reg.Entities())
}

func (c sqlConn) CreateSchemaWith(ctx context.Context, entities []*meta.Entity, opts ...schema.Option) error {
	return schema.Create(ctx, c.db.Executor(), entities, opts...)
}

func (c sqlConn) UpdateSchemaWith(ctx context.Context, entities []*meta.Entity, opts ...schema.Option) error {
	return schema.Update(ctx, c.db, entities, opts...)
}
