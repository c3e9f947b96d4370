package populate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/unitorm/unitorm/meta"
)

// ErrUnknownPath is returned for a populate path that names no relation.
var ErrUnknownPath = errors.New("unitorm: unknown populate path")

// PathError is a populate path that cannot be followed. It unwraps to
// ErrUnknownPath.
type PathError struct {
	Entity string // the entity the failing segment was looked up on
	Path   string // the path as given
	Reason string // what is wrong, said of Entity (`has no relation "x"`)
}

func (e *PathError) Error() string {
	return fmt.Sprintf("%v: %s %s (path %q)", ErrUnknownPath, e.Entity, e.Reason, e.Path)
}

func (e *PathError) Unwrap() error { return ErrUnknownPath }

// Node is one relation of a populate tree.
type Node struct {
	Relation *meta.Relation
	Path     string // full path from the root ("author.books")
	Children []*Node
}

// Parse turns paths into a tree of relations of root. "*" stands for every
// relation of its level. An unknown segment is a *PathError (ErrUnknownPath)
// naming the path and the entity.
func Parse(root *meta.Entity, paths []string) ([]*Node, error) {
	var roots []*Node
	for _, path := range paths {
		if strings.TrimSpace(path) == "" {
			return nil, &PathError{Entity: root.Name, Path: path, Reason: "has no relation at an empty path"}
		}
		if err := addPath(&roots, root, strings.Split(path, "."), "", path); err != nil {
			return nil, err
		}
	}
	return roots, nil
}

func addPath(level *[]*Node, e *meta.Entity, parts []string, prefix, full string) error {
	part := parts[0]
	var rels []*meta.Relation
	if part == "*" {
		rels = e.Relations
	} else {
		p, ok := e.Prop(part)
		if !ok || p.Relation == nil {
			return &PathError{Entity: e.Name, Path: full, Reason: fmt.Sprintf("has no relation %q", part)}
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
			if err := addPath(&n.Children, r.Target, parts[1:], n.Path, full); err != nil {
				return err
			}
		}
	}
	return nil
}
