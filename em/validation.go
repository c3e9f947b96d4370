package em

import (
	"context"
	"errors"
	"fmt"
	"github.com/unitorm/unitorm/dialect"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// Validation before flush: every entity the flush would insert or update is
// checked against its tags — required, length=N, enum=a|b — and its
// Validate hook, after the Before* hooks and OnFlush subscribers ran, and
// its floats against what the database can store (rule "float": NaN and
// ±Inf where the database has no room for them, see floats.go). All
// violations of all entities are reported at once in one *ValidationError
// and nothing is sent to the database; the entities keep their state (fix
// them and flush again). An update checks the tag rules of the properties
// it changes only (a row stored before a rule existed does not block other
// changes); inserts check every property.

// ErrValidation is what a *ValidationError unwraps to.
var ErrValidation = errors.New("unitorm: validation failed")

// Violation is one broken rule.
type Violation struct {
	Entity   string // entity name (Post)
	Property string // property name (title); "" for an entity-wide rule
	// Rule is "required", "length", "enum", "float" for a NaN or ±Inf the
	// database cannot store, or "hook" for a Validate hook's own error (a
	// hook may set its own rule names through Invalid).
	Rule    string
	Message string
	Value   any // the offending value (nil for a hook's)
}

func (v Violation) String() string {
	where := v.Entity
	if v.Property != "" {
		where += "." + v.Property
	}
	return fmt.Sprintf("%s: %s", where, v.Message)
}

// ValidationError lists every violation found by a flush (or returned by a
// Validate hook through Invalid).
type ValidationError struct {
	Violations []Violation
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.String()
	}
	return fmt.Sprintf("unitorm: validation failed (%d): %s", len(e.Violations), strings.Join(parts, "; "))
}

func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// Validator is an entity's own check, run before each flush that inserts or
// updates it. Return nil, Invalid(...) (several joined with errors.Join), or
// any error (recorded as a violation with rule "hook").
type Validator interface {
	Validate(ctx context.Context) error
}

// Invalid is a violation a Validate hook reports on one of its entity's
// properties (property "" for the entity as a whole).
func Invalid(property, message string) error {
	return &ValidationError{Violations: []Violation{{Property: property, Rule: "hook", Message: message}}}
}

// validate checks the inserts and updates of ch.
func (m *EntityManager) validate(ctx context.Context, ch *uow.Changes) error {
	var out []Violation
	// Column lengths are SQL's (MongoDB has none).
	sql := m.s.Driver.Dialect() != nil
	check := func(c *uow.ChangeSet, props []*meta.Property) {
		for _, p := range props {
			if v, ok := checkProp(p, c.Entry.Ptr, sql); !ok {
				v.Entity = c.Entry.Entity.Name
				out = append(out, v)
			}
		}
	}
	hook := func(c *uow.ChangeSet) error {
		if hooksOf(c.Entry.Entity)&hasValidator == 0 {
			return nil
		}
		h, ok := c.Entry.Obj().(Validator)
		if !ok {
			return nil
		}
		var herr error
		if err := m.callout(func() error { herr = h.Validate(ctx); return nil }); err != nil {
			return err
		}
		out = append(out, hookViolations(c.Entry.Entity.Name, herr)...)
		return nil
	}
	for _, c := range ch.Inserts {
		if !hasRules(c.Entry.Entity) {
			continue
		}
		check(c, c.Entry.Entity.Props)
		if err := hook(c); err != nil {
			return err
		}
	}
	for _, c := range ch.Updates {
		if !hasRules(c.Entry.Entity) {
			continue
		}
		check(c, c.Changed)
		if err := hook(c); err != nil {
			return err
		}
	}
	out = append(out, m.checkFloats(ch)...)
	if len(out) == 0 {
		return nil
	}
	return &ValidationError{Violations: out}
}

// hookViolations turns a Validate hook's error into violations.
func hookViolations(entity string, err error) []Violation {
	if err == nil {
		return nil
	}
	var out []Violation
	var ve *ValidationError
	switch {
	case isJoined(err):
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			out = append(out, hookViolations(entity, e)...)
		}
	case errors.As(err, &ve):
		for _, v := range ve.Violations {
			if v.Entity == "" {
				v.Entity = entity
			}
			out = append(out, v)
		}
	default:
		out = append(out, Violation{Entity: entity, Rule: "hook", Message: err.Error()})
	}
	return out
}

func isJoined(err error) bool {
	_, ok := err.(interface{ Unwrap() []error })
	return ok
}

// checkProp checks one property's tag rules on the entity at ptr, and on
// SQL databases (sql) the default length of a string column.
func checkProp(p *meta.Property, ptr unsafe.Pointer, sql bool) (Violation, bool) {
	length, tagged := p.Length, p.Length > 0
	if !tagged && sql && defaultLength(p) {
		length = dialect.DefaultStringLength
	}
	if !p.Required && length == 0 && p.Enum == nil {
		return Violation{}, true
	}
	if !p.Required && p.Enum == nil && p.Type == stringType && p.Kind == meta.Scalar {
		// The common case, without reflection: a string no longer in bytes
		// than the length is no longer in characters.
		if fp := p.At.Ptr(ptr); fp == nil || len(*(*string)(fp)) <= length {
			return Violation{}, true
		}
	}
	if p.Kind != meta.Scalar {
		if p.Required && !p.Kind.IsToMany() && p.At.Pointer(ptr) == nil {
			return Violation{Property: p.Name, Rule: "required", Message: "is required"}, false
		}
		return Violation{}, true
	}
	if p.PK && p.AutoIncrement || p.InNullable && p.At.Ptr(ptr) == nil {
		return Violation{}, true // a nil embeddable holds no values to check
	}
	v, null := baseValue(p, ptr)
	if p.Required && (null || v.IsZero()) {
		return Violation{Property: p.Name, Rule: "required", Message: "is required"}, false
	}
	if null {
		return Violation{}, true
	}
	if length > 0 {
		n := -1
		switch {
		case v.Kind() == reflect.String:
			n = utf8.RuneCountInString(v.String())
		case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
			n = v.Len()
		}
		if n > length {
			msg := fmt.Sprintf("is %d long, more than length=%d", n, length)
			if !tagged {
				msg = fmt.Sprintf("is %d long, more than its column's default length %d (tag type=text for longer texts, or length=n)", n, length)
			}
			return Violation{Property: p.Name, Rule: "length", Value: v.Interface(), Message: msg}, false
		}
	}
	if p.Enum != nil {
		s, ok := enumString(v)
		if !ok || !slices.Contains(p.Enum, s) {
			return Violation{Property: p.Name, Rule: "enum", Value: v.Interface(),
				Message: fmt.Sprintf("%q is not one of %s", s, strings.Join(p.Enum, ", "))}, false
		}
	}
	return Violation{}, true
}

var stringType = reflect.TypeFor[string]()

// defaultLength reports whether p is a string column of the dialects'
// default length (dialect.DefaultStringLength): a scalar of logical type
// string without an explicit SQL type, custom type or codec.
func defaultLength(p *meta.Property) bool {
	return p.Kind == meta.Scalar && p.ColumnType == meta.TypeString && p.SQLType == "" &&
		p.Codec == meta.CodecPlain && p.CustomType() == nil
}

// baseValue returns the property's value without its nullable wrapper, or
// null when it is NULL.
func baseValue(p *meta.Property, ptr unsafe.Pointer) (reflect.Value, bool) {
	fp := p.At.Ptr(ptr)
	if fp == nil {
		return reflect.Value{}, true
	}
	v := reflect.NewAt(p.Type, fp).Elem()
	switch p.Wrap {
	case meta.WrapPointer:
		if v.IsNil() {
			return reflect.Value{}, true
		}
		return v.Elem(), false
	case meta.WrapSQLNull:
		if !v.Field(1).Bool() {
			return reflect.Value{}, true
		}
		return v.Field(0), false
	}
	return v, false
}

// enumString is a value's stored string form (strings as they are,
// integers in decimal).
func enumString(v reflect.Value) (string, bool) {
	switch {
	case v.Kind() == reflect.String:
		return v.String(), true
	case v.CanInt():
		return strconv.FormatInt(v.Int(), 10), true
	case v.CanUint():
		return strconv.FormatUint(v.Uint(), 10), true
	}
	return fmt.Sprint(v.Interface()), false
}

type rulesKey struct{}

var validatorType = reflect.TypeFor[Validator]()

// hasRules reports, once per entity type, whether validation has anything
// to check for it (tag rules or a Validate hook).
func hasRules(e *meta.Entity) bool {
	return e.Derived(rulesKey{}, func() any {
		if e.PtrType.Implements(validatorType) || e.Type.Implements(validatorType) {
			return true
		}
		for _, p := range e.Props {
			if p.Required || p.Length > 0 || p.Enum != nil || defaultLength(p) {
				return true
			}
		}
		return false
	}).(bool)
}
