package meta

import (
	"strings"
)

// FormulaSQL is the formula's expression for table alias (its {alias}
// placeholders replaced).
func (p *Property) FormulaSQL(alias string) string {
	return "(" + strings.ReplaceAll(p.Formula, "{alias}", alias) + ")"
}

// IsFormula reports whether the column is a formula's (selected, never
// written, not in the table).
func (c *Column) IsFormula() bool { return c.Formula != "" }

// formula applies tag formula=... to a scalar property.
func (b *builder) formula(e *Entity, p *Property, spec *tagSpec) {
	if spec.formula == "" {
		return
	}
	switch {
	case strings.ContainsAny(spec.formula, ";?") || strings.Contains(spec.formula, "--") || strings.Contains(spec.formula, "/*"):
		b.problemf(e, p.Field, "formula %q may not hold ;, ?, -- or /*", spec.formula)
	case p.PK || p.Version || spec.softDelete || spec.required || spec.enum != nil || spec.hasDefault || p.Unique || p.Indexed:
		b.problemf(e, p.Field, "a formula is read-only: pk, version, softDelete, required, enum, default, unique and index do not apply")
	case p.Embedded != "":
		b.problemf(e, p.Field, "a formula cannot be inside an embeddable")
	default:
		p.Formula = spec.formula
		p.Nullable = true // an expression may be NULL
	}
}

// lazy applies tag lazy to a scalar property.
func (b *builder) lazy(e *Entity, p *Property, spec *tagSpec) {
	if !spec.lazy {
		return
	}
	switch {
	case p.PK || p.Version || spec.softDelete || spec.formula != "":
		b.problemf(e, p.Field, "lazy applies to a plain column, not a primary key, version, softDelete or formula")
	case p.Embedded != "":
		b.problemf(e, p.Field, "lazy is not supported inside an embeddable")
	default:
		p.Lazy = true
	}
}

// IsLazy reports whether the column is a lazy property's.
func (c *Column) IsLazy() bool { return c.Prop != nil && c.Prop.Lazy }
