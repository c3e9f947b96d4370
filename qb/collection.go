package qb

// CollectionOp is how a condition applies to the items of a to-many
// relation: Some, None or Every.
type CollectionOp string

// The collection operators (MikroORM's $some, $none, $every).
const (
	OpSome  CollectionOp = "$some"
	OpNone  CollectionOp = "$none"
	OpEvery CollectionOp = "$every"
)

// CollectionExpr is a condition on the items of a to-many relation (1:m or
// m:n) of an entity: some, none or every item reached through Path
// matches Cond. It names entity properties, so only the EntityManager's
// queries (em.Find, em.QB) understand it; rendered by qb alone it is
// ErrInvalidValue. The EntityManager renders it as a correlated EXISTS (NOT
// EXISTS for None and Every), which never multiplies the root rows.
type CollectionExpr struct {
	Op   CollectionOp
	Path string // a property path ending at a to-many relation: "tags", "author.books"
	Cond Expr   // on the target's properties; nil means any item
}

func (CollectionExpr) exprNode() {}

// Some is true when at least one item of the to-many relation at path
// matches c (nil: when there is at least one item):
//
//	em.Find[Book](ctx, m, qb.Some("tags", qb.Cond{"name": "go"}))
//
// A condition naming a path through the collection, qb.Cond{"tags.name":
// "go"}, means the same; the keys of one Cond that go through the same
// collection apply to the same item.
func Some(path string, c Condition) Expr { return collection(OpSome, path, c) }

// None is true when no item of the to-many relation at path matches c
// (nil: when the collection is empty).
func None(path string, c Condition) Expr { return collection(OpNone, path, c) }

// Every is true when every item of the to-many relation at path matches c
// (an item for which c is NULL does not match); an empty collection
// qualifies.
func Every(path string, c Condition) Expr { return collection(OpEvery, path, c) }

func collection(op CollectionOp, path string, c Condition) Expr {
	x := CollectionExpr{Op: op, Path: path}
	if c != nil {
		x.Cond = toExpr(c)
	}
	return x
}

func normCollection(x CollectionExpr) (Expr, error) {
	switch x.Op {
	case OpSome, OpNone, OpEvery:
	default:
		return nil, invalidValue("unknown collection operator %q", string(x.Op))
	}
	if err := checkField(x.Path); err != nil {
		return nil, err
	}
	if x.Cond == nil {
		return x, nil
	}
	n, err := normExpr(x.Cond)
	if err != nil {
		return nil, err
	}
	x.Cond = n
	return x, nil
}
