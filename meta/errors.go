package meta

import (
	"errors"
	"strings"
)

// ErrNotRegistered is returned when a type is not a registered entity.
var ErrNotRegistered = errors.New("meta: entity not registered")

// ErrNotStruct is returned when a value that should be an entity is not a
// struct or a pointer to one.
var ErrNotStruct = errors.New("meta: not a struct")

// Problem is one thing wrong with an entity definition.
type Problem struct {
	Entity string // Go type name of the entity
	Field  string // Go field name, empty when the problem is the whole entity
	Msg    string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString("meta: ")
	b.WriteString(p.Entity)
	if p.Field != "" {
		b.WriteByte('.')
		b.WriteString(p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// DefinitionError lists every problem found while registering entities.
// When Register returns it, nothing was registered.
type DefinitionError struct {
	Problems []Problem
}

// Error lists each problem on its own line: "meta: Book.Author: ...".
func (e *DefinitionError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
