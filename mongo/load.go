package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// Executor runs loads, counts, flush plans and native statements, outside
// a transaction or (as part of a Tx) inside one.
type Executor struct {
	d  *Driver
	tx *Tx // nil outside a transaction
}

// ctx carries the transaction's session, when there is one.
func (x *Executor) ctx(ctx context.Context) (context.Context, error) {
	if x.tx == nil {
		return ctx, nil
	}
	if err := x.tx.check(); err != nil {
		return nil, err
	}
	return mongodrv.NewSessionContext(ctx, x.tx.sess), nil
}

// query is a SELECT of one entity's collection read as a find.
type query struct {
	dm     *docMap
	filter bson.D
	sort   bson.D
	limit  int64
	skip   int64
	hasLim bool
}

// findOf turns a select of entity e into a find. Joins, grouping, unions,
// subqueries and row locks are ErrUnsupported (ErrJoin for joins).
func (x *Executor) findOf(q qb.SelectQuery, e *meta.Entity) (*query, error) {
	if err := q.Err(); err != nil {
		return nil, err
	}
	s := q.Stmt()
	switch {
	case s.From == nil || s.From.Name == "":
		return nil, fmt.Errorf("%w: a select without a collection, or from a subquery", ErrUnsupported)
	case len(s.Joins) > 0:
		return nil, fmt.Errorf("%w: %s joins %d tables", ErrJoin, s.From.Name, len(s.Joins))
	case len(s.With) > 0 || len(s.Unions) > 0 || len(s.GroupBy) > 0 || s.Having != nil || s.Distinct || len(s.DistinctOn) > 0:
		return nil, fmt.Errorf("%w: WITH, UNION, GROUP BY, HAVING and DISTINCT selects; use a Pipeline", ErrUnsupported)
	case s.Lock.Mode != qb.LockNone:
		return nil, fmt.Errorf("%w: row locks (FOR UPDATE / FOR SHARE)", ErrUnsupported)
	}
	var (
		dm  *docMap
		err error
	)
	if e != nil {
		if e.Table != s.From.Name {
			return nil, fmt.Errorf("mongo: the query reads %s, not %s's collection %s", s.From.Name, e.Name, e.Table)
		}
		dm, err = x.d.docMap(e)
	} else {
		dm, err = x.d.m.byTable(s.From.Name)
	}
	if err != nil {
		return nil, err
	}
	fq := &query{dm: dm, limit: s.Limit, skip: s.Offset, hasLim: s.HasLimit}
	if fq.filter, err = render(s.Where, dm); err != nil {
		return nil, fmt.Errorf("mongo: %s: %w", e, err)
	}
	if fq.sort, err = renderSort(s.OrderBy, dm); err != nil {
		return nil, err
	}
	return fq, nil
}

func (x *Executor) find(ctx context.Context, fq *query, projection bson.D) (*mongodrv.Cursor, error) {
	o := options.Find()
	if fq.sort != nil {
		o.SetSort(fq.sort)
	}
	if fq.hasLim {
		if fq.limit == 0 {
			return nil, nil
		}
		o.SetLimit(fq.limit)
	}
	if fq.skip > 0 {
		o.SetSkip(fq.skip)
	}
	if projection != nil {
		o.SetProjection(projection)
	}
	return x.d.db.Collection(fq.dm.coll).Find(ctx, fq.filter, o)
}

// Load runs a load request as one find: each document becomes a fresh
// instance (scalar fields set; to-one keys in Loaded.FK; the keys of owning
// many-to-many arrays in Loaded.Many). Loads that join (several groups,
// extra columns) are ErrJoin.
func (x *Executor) Load(ctx context.Context, req *uow.Load) error {
	if len(req.Groups) != 1 || req.Extras > 0 {
		return fmt.Errorf("%w: a load of %d entities and %d extra columns in one query", ErrJoin, len(req.Groups), req.Extras)
	}
	g := req.Groups[0]
	ctx, err := x.ctx(ctx)
	if err != nil {
		return err
	}
	fq, err := x.findOf(req.Query, g.Entity)
	if err != nil {
		return err
	}
	poly, err := x.polyDecoder(fq.dm, g)
	if err != nil {
		return err
	}
	var dec *decoder
	if poly == nil {
		if dec, err = newDecoder(fq.dm, g); err != nil {
			return err
		}
	}
	cur, err := x.find(ctx, fq, nil)
	if err != nil {
		return fmt.Errorf("mongo: find %s: %w", fq.dm.coll, err)
	}
	if cur == nil {
		return nil
	}
	defer cur.Close(context.WithoutCancel(ctx))
	row := make([]uow.Loaded, 1)
	for cur.Next(ctx) {
		var l uow.Loaded
		if poly != nil {
			l, err = poly.decode(cur.Current)
		} else {
			l, err = dec.decode(cur.Current)
		}
		if err != nil {
			return err
		}
		row[0] = l
		if err := req.Row(row, nil); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("mongo: find %s: %w", fq.dm.coll, err)
	}
	return nil
}

// Count counts the documents matching q's condition.
func (x *Executor) Count(ctx context.Context, q qb.SelectQuery) (int64, error) {
	ctx, err := x.ctx(ctx)
	if err != nil {
		return 0, err
	}
	fq, err := x.findOf(q, nil)
	if err != nil {
		return 0, err
	}
	n, err := x.d.db.Collection(fq.dm.coll).CountDocuments(ctx, fq.filter)
	if err != nil {
		return 0, fmt.Errorf("mongo: count %s: %w", fq.dm.coll, err)
	}
	return n, nil
}

// QueryMaps runs a select and returns its documents as maps keyed by column
// name (the key under its column name, not _id), with the selected columns
// only when it names columns.
func (x *Executor) QueryMaps(ctx context.Context, s qb.Statement) ([]map[string]any, error) {
	q, ok := s.(qb.SelectQuery)
	if !ok {
		return nil, fmt.Errorf("%w: QueryMaps runs selects, not %T", ErrUnsupported, s)
	}
	ctx, err := x.ctx(ctx)
	if err != nil {
		return nil, err
	}
	fq, err := x.findOf(q, nil)
	if err != nil {
		return nil, err
	}
	var proj bson.D
	names := map[string]string{} // document field → result key
	for _, c := range q.Stmt().Columns {
		var col, as string
		switch v := c.(type) {
		case qb.ColRef:
			col = string(v)
		case qb.Aliased:
			if raw, ok := v.Expr.(qb.RawExpr); ok && raw.SQL == "NULL" && len(raw.Args) == 0 {
				continue // a lazy property's place in an entity's select list
			}
			ref, isCol := v.Expr.(qb.ColRef)
			if !isCol {
				return nil, fmt.Errorf("%w: selecting %T", ErrUnsupported, v.Expr)
			}
			col, as = string(ref), v.Alias
		default:
			return nil, fmt.Errorf("%w: selecting %T", ErrUnsupported, c)
		}
		if col == "*" || len(col) > 2 && col[len(col)-2:] == ".*" {
			proj = nil
			names = map[string]string{}
			break
		}
		t, err := fq.dm.resolve(col)
		if err != nil {
			return nil, err
		}
		if as == "" {
			as = columnOf(fq.dm, t.name)
		}
		proj = append(proj, bson.E{Key: t.name, Value: 1})
		names[t.name] = as
	}
	if proj != nil && names["_id"] == "" {
		proj = append(proj, bson.E{Key: "_id", Value: 0})
	}
	cur, err := x.find(ctx, fq, proj)
	if err != nil {
		return nil, fmt.Errorf("mongo: find %s: %w", fq.dm.coll, err)
	}
	if cur == nil {
		return nil, nil
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var out []map[string]any
	for cur.Next(ctx) {
		elems, err := cur.Current.Elements()
		if err != nil {
			return nil, err
		}
		m := make(map[string]any, len(elems))
		for _, el := range elems {
			key := el.Key()
			as, ok := names[key]
			if !ok {
				as = columnOf(fq.dm, key)
			}
			v, err := primitive(el.Value())
			if err != nil {
				return nil, err
			}
			if key == "_id" {
				v, _ = readKey(el.Value(), fq.dm.pk.id)
			}
			m[as] = v
		}
		out = append(out, m)
	}
	if err := cur.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// columnOf names a document field as the SQL drivers would: its column.
func columnOf(dm *docMap, name string) string {
	if name == "_id" {
		return dm.pk.col.Name
	}
	return name
}

// polyDecoder decodes the documents of an entity with subtypes (single-table
// inheritance): the discriminator field picks the concrete type, decoded
// with its own fields. Nil when g's entity has no subtypes.
type polyDec struct {
	x     *Executor
	g     uow.LoadGroup
	field string
	decs  map[*meta.Entity]*decoder
}

func (x *Executor) polyDecoder(dm *docMap, g uow.LoadGroup) (*polyDec, error) {
	if uow.DiscriminatorIndex(g.Entity, g.Columns) < 0 {
		return nil, nil
	}
	i, ok := dm.byColumn[g.Entity.Discriminator.Column]
	if !ok {
		return nil, fmt.Errorf("mongo: %s: no field for the discriminator %s", g.Entity.Name, g.Entity.Discriminator.Name)
	}
	return &polyDec{x: x, g: g, field: dm.fields[i].name, decs: map[*meta.Entity]*decoder{}}, nil
}

func (p *polyDec) decode(raw bson.Raw) (uow.Loaded, error) {
	var v any
	if rv, err := raw.LookupErr(p.field); err == nil {
		v, _ = rv.StringValueOK()
		if rv.Type != bson.TypeString {
			v = rv.String()
		}
	}
	ce, err := uow.Concrete(p.g.Entity, v)
	if err != nil {
		return uow.Loaded{}, err
	}
	dec, ok := p.decs[ce]
	if !ok {
		dm, err := p.x.d.docMap(ce)
		if err != nil {
			return uow.Loaded{}, err
		}
		if dec, err = newDecoder(dm, uow.LoadGroup{Entity: ce, Columns: ce.Columns, WithLazy: p.g.WithLazy}); err != nil {
			return uow.Loaded{}, err
		}
		p.decs[ce] = dec
	}
	l, err := dec.decode(raw)
	l.Entity = ce
	return l, err
}
