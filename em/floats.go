package em

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"unsafe"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/internal/uow"
	"github.com/unitorm/unitorm/meta"
)

// Floats a database cannot store. PostgreSQL stores ±Inf and NaN in real
// and double precision columns; SQLite stores ±Inf but would turn a NaN
// into NULL; MySQL and MariaDB refuse both; MongoDB stores every double,
// FerretDB neither ±Inf nor NaN. A value the database cannot store is
// refused before anything is sent: by a flush (and Upsert) as a
// *ValidationError whose violation has rule "float" and names the entity
// and property, by NativeInsert and NativeUpdate as a *PropertyError
// wrapping ErrInvalidData. Nothing is rounded or replaced silently.
//
// Finite values, -0 included, are always sent as they are; where the
// database keeps -0 (PostgreSQL, MongoDB) it reads back as -0, elsewhere
// as 0 (the database's own doing).

// floatSupport is what a driver without a SQL dialect implements to say
// which non-finite floats its database stores (the MongoDB driver). A
// driver without it is sent every value.
type floatSupport interface {
	NonFiniteFloats() (inf, nan bool)
}

// nonFinite reports which non-finite floats the database stores, and its
// name for messages.
func (m *EntityManager) nonFinite() (inf, nan bool, db string) {
	if d := m.s.Driver.Dialect(); d != nil {
		return d.Has(dialect.FloatInfinity), d.Has(dialect.FloatNaN), d.Name()
	}
	if f, ok := m.s.Driver.(floatSupport); ok {
		inf, nan = f.NonFiniteFloats()
		return inf, nan, "the database"
	}
	return true, true, ""
}

type floatPropsKey struct{}

// floatProps lists, once per entity type, its scalar properties whose
// values are floats (plain or nullable).
func floatProps(e *meta.Entity) []*meta.Property {
	return e.Derived(floatPropsKey{}, func() any {
		var out []*meta.Property
		for _, p := range e.Props {
			if p.Kind != meta.Scalar || p.Codec != meta.CodecPlain || p.Formula != "" {
				continue
			}
			if k := p.BaseType.Kind(); k == reflect.Float32 || k == reflect.Float64 {
				out = append(out, p)
			}
		}
		return out
	}).([]*meta.Property)
}

// unstorableFloat returns why the database cannot store f, or "".
func unstorableFloat(f float64, inf, nan bool, db string) string {
	switch {
	case math.IsNaN(f) && !nan, math.IsInf(f, 0) && !inf:
		return fmt.Sprintf("is %v: %s cannot store it", f, db)
	}
	return ""
}

// floatViolations appends the violations of the float properties among
// props of the entity at ptr (all of them when props is nil).
func floatViolations(out []Violation, e *meta.Entity, ptr unsafe.Pointer, props []*meta.Property, inf, nan bool, db string) []Violation {
	fps := floatProps(e)
	if len(fps) == 0 {
		return out
	}
	for _, p := range fps {
		if props != nil && !slices.Contains(props, p) {
			continue
		}
		v, null := baseValue(p, ptr)
		if null {
			continue
		}
		if msg := unstorableFloat(v.Float(), inf, nan, db); msg != "" {
			out = append(out, Violation{Entity: e.Name, Property: p.Name, Rule: "float", Message: msg, Value: v.Interface()})
		}
	}
	return out
}

// checkFloats returns the violations of the floats the inserts and
// updates of ch would write that the database cannot store.
func (m *EntityManager) checkFloats(ch *uow.Changes) []Violation {
	inf, nan, db := m.nonFinite()
	if inf && nan {
		return nil
	}
	var out []Violation
	// Changes come in runs of one type: a type without floats is looked
	// up once per run, not once per entity.
	var skip *meta.Entity
	for _, c := range ch.Inserts {
		if e := c.Entry.Entity; e != skip {
			if len(floatProps(e)) == 0 {
				skip = e
				continue
			}
			out = floatViolations(out, e, c.Entry.Ptr, nil, inf, nan, db)
		}
	}
	skip = nil
	for _, c := range ch.Updates {
		if e := c.Entry.Entity; e != skip && len(c.Changed) > 0 {
			if len(floatProps(e)) == 0 {
				skip = e
				continue
			}
			out = floatViolations(out, e, c.Entry.Ptr, c.Changed, inf, nan, db)
		}
	}
	return out
}
