package populate

import (
	"fmt"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// filterExpr returns the condition Options.Filter gives for the target of a
// to-many path, on the target's columns under alias; nil when none.
func filterExpr(opts Options, target *meta.Entity, alias string) (qb.Expr, error) {
	if opts.Filter == nil {
		return nil, nil
	}
	c, err := opts.Filter(target)
	if err != nil || c == nil {
		return nil, err
	}
	x, err := qb.Normalize(c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", target.Name, err)
	}
	return qb.MapFields(x, func(f string) (string, error) {
		p, ok := target.Prop(f)
		if !ok || p.Kind != meta.Scalar {
			return "", fmt.Errorf("%w: filter on %s names no property %q", ErrUnknownPath, target.Name, f)
		}
		return alias + "." + p.Column, nil
	})
}
