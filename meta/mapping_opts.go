package meta

import (
	"slices"
	"strconv"
	"strings"
)

// Tag options that shape behaviour rather than the column: softDelete,
// required and enum (see the README sections "Filters and soft delete" and
// "Validation before flush").

// parseEnum reads enum=a|b|c: the values in their stored string form,
// each non-empty and listed once.
func parseEnum(val string, bad func(string, ...any)) []string {
	var out []string
	for _, v := range strings.Split(val, "|") {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			bad("enum value list %q has an empty value", val)
			return nil
		case slices.Contains(out, v):
			bad("enum value %q listed twice", v)
			return nil
		}
		out = append(out, v)
	}
	return out
}

// mappingOpts applies softDelete, required and enum to a scalar property.
func (b *builder) mappingOpts(e *Entity, p *Property, spec *tagSpec) {
	p.Required = spec.required
	b.formula(e, p, spec)
	b.lazy(e, p, spec)
	if p.InNullable && !p.PK {
		p.Nullable = true
	}
	if spec.softDelete {
		switch {
		case p.ColumnType != TypeTime || p.Wrap == WrapNone:
			b.problemf(e, p.Field, "softDelete needs a nullable time field (*time.Time or sql.Null[time.Time]), not %s", p.Type)
		case p.PK || p.Version:
			b.problemf(e, p.Field, "softDelete cannot mark a primary key or version property")
		case e.SoftDelete != nil:
			b.problemf(e, p.Field, "only one softDelete property per entity (%s is one)", e.SoftDelete.Field)
		default:
			p.SoftDelete = true
			e.SoftDelete = p
		}
	}
	if spec.enum == nil {
		return
	}
	switch p.ColumnType {
	case TypeString:
	case TypeInt16, TypeInt32, TypeInt64:
		for _, v := range spec.enum {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				b.problemf(e, p.Field, "enum value %q of an integer field is not an integer", v)
				return
			}
		}
	default:
		b.problemf(e, p.Field, "enum applies to string and integer fields, not %s", p.Type)
		return
	}
	if p.Length > 0 {
		for _, v := range spec.enum {
			if len([]rune(v)) > p.Length {
				b.problemf(e, p.Field, "enum value %q is longer than length=%d", v, p.Length)
				return
			}
		}
	}
	p.Enum = spec.enum
}
