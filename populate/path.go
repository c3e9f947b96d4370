package populate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/unitorm/unitorm/meta"
)

// ErrUnknownPath is returned for a populate path that names no relation.
var ErrUnknownPath = errors.New("unitorm: unknown populate path")

// Node is one relation of a populate tree.
type Node struct {
	Relation *meta.Relation
	Path     string // full path from the root ("author.books")
	Children []*Node
}

// Parse turns paths into a tree of relations of root. "*" stands for every
// relation of its level. An unknown segment is ErrUnknownPath naming the
// path and the entity.
func Parse(root *meta.Entity, paths []string) ([]*Node, error) {
	var roots []*Node
	for _, path := range paths {
		if strings.TrimSpace(path) == "" {
			return nil, fmt.Errorf("%w: empty path on %s", ErrUnknownPath, root.Name)
		}
		if err := addPath(&roots, root, strings.Split(path, "."), ""); err != nil {
			return nil, fmt.Errorf("%w (path %q)", err, path)
		}
	}
	return roots, nil
}

func addPath(level *[]*Node, e *meta.Entity, parts []string, prefix string) error {
	part := parts[0]
	var rels []*meta.Relation
	if part == "*" {
		rels = e.Relations
	} else {
		p, ok := e.Prop(part)
		if !ok || p.Relation == nil {
			return fmt.Errorf("%w: %s has no relation %q", ErrUnknownPath, e.Name, part)
		}
		rels = []*meta.Relation{p.Relation}
	}
	for _, r := range rels {
		var n *Node
		for _, x := range *level {
			if x.Relation == r {
				n = x
				break
			}
		}
		if n == nil {
			path := r.Prop.Name
			if prefix != "" {
				path = prefix + "." + path
			}
			n = &Node{Relation: r, Path: path}
			*level = append(*level, n)
		}
		if len(parts) > 1 {
			if err := addPath(&n.Children, r.Target, parts[1:], n.Path); err != nil {
				return err
			}
		}
	}
	return nil
}
