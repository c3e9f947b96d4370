package gen

import (
	"slices"
	"strconv"
	"strings"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/schema"
)

// scalar adds the field of a plain column.
func (g *generator) scalar(e *entity, c *schema.Column, ixTags []string) {
	t := e.table
	n := g.opts.Naming
	f := &field{name: e.free(GoName(c.Name))}
	if n.ColumnName(n.PropertyName(f.name)) != c.Name {
		f.tags = append(f.tags, "column="+c.Name)
	}
	ti := schema.ParseType(c.Type)
	goType, typeTags := goTypeOf(ti)
	if elem, ok := pgArrays[strings.ToLower(c.Type)]; ok {
		// A PostgreSQL array of a type the built-in array type writes.
		goType, typeTags = "[]"+elem, []string{"type=array"}
	} else if !g.rendersAs(ti, c.Type, g.indexed(t, c.Name)) {
		typeTags = []string{"type=" + c.Type}
		if ti.Logical == dialect.TypeUnknown {
			goType = "string"
		}
	}
	nullable := c.Nullable && !t.IsPK(c.Name)
	switch {
	case nullable && (goType == "[]byte" || goType == "json.RawMessage"):
		f.tags = append(f.tags, "nullable")
	case nullable:
		goType = "*" + goType
	}
	switch goType {
	case "time.Time", "*time.Time", "[]time.Time", "*[]time.Time":
		g.imports["time"] = true
	case "json.RawMessage", "*json.RawMessage":
		g.imports["encoding/json"] = true
	}
	f.typ = goType
	if t.IsPK(c.Name) {
		f.tags = append(f.tags, "pk")
		intPK := ti.Logical == dialect.TypeInt16 || ti.Logical == dialect.TypeInt32 || ti.Logical == dialect.TypeInt64
		if len(t.PrimaryKey) == 1 && intPK && !c.AutoIncrement {
			f.tags = append(f.tags, "autoincrement=false")
		}
	}
	f.tags = append(f.tags, typeTags...)
	if c.HasDefault && !c.AutoIncrement {
		f.tags = append(f.tags, "default="+c.Default)
	}
	f.tags = append(f.tags, ixTags...)
	f.tags = append(f.tags, enumTag(t, c.Name)...)
	e.add(f)
}

// pgArrays maps the PostgreSQL array types that the built-in array type
// (type=array) writes to the Go element type; other arrays stay strings
// with their type verbatim.
var pgArrays = map[string]string{
	"text[]": "string", "bigint[]": "int64", "double precision[]": "float64",
	"boolean[]": "bool", "timestamp with time zone[]": "time.Time",
}

// enumTag is the enum=a|b tag of a column with one of unitorm's enum
// checks, when its values can be written in a tag (none empty or holding
// '|', ',' or a quote); otherwise none: the check stays in the database and
// the field is a plain string or integer.
func enumTag(t *schema.Table, col string) []string {
	for _, ck := range t.Checks {
		if ck.Column != col || len(ck.Values) == 0 {
			continue
		}
		for _, v := range ck.Values {
			if v == "" || strings.ContainsAny(v, "|,'\"") || strings.TrimSpace(v) != v {
				return nil
			}
		}
		return []string{"enum=" + strings.Join(ck.Values, "|")}
	}
	return nil
}

func (g *generator) indexed(t *schema.Table, col string) bool {
	if t.IsPK(col) {
		return true
	}
	for _, ix := range t.Indexes {
		if slices.Contains(ix.Columns, col) {
			return true
		}
	}
	for _, fk := range t.ForeignKeys {
		if slices.Contains(fk.Columns, col) {
			return true
		}
	}
	return false
}

// goTypeOf picks the Go type and the tags that give the logical type back.
func goTypeOf(ti schema.TypeInfo) (string, []string) {
	switch ti.Logical {
	case dialect.TypeBool:
		return "bool", nil
	case dialect.TypeInt16:
		return "int16", nil
	case dialect.TypeInt32:
		return "int32", nil
	case dialect.TypeInt64:
		return "int64", nil
	case dialect.TypeFloat32:
		return "float32", nil
	case dialect.TypeFloat64:
		return "float64", nil
	case dialect.TypeDecimal:
		if ti.Precision > 0 {
			return "float64", []string{"type=decimal(" + strconv.Itoa(ti.Precision) + "," + strconv.Itoa(ti.Scale) + ")"}
		}
		return "float64", []string{"type=decimal"}
	case dialect.TypeString:
		if ti.Length > 0 && ti.Length != 255 {
			return "string", []string{"length=" + strconv.Itoa(ti.Length)}
		}
		return "string", nil
	case dialect.TypeText:
		return "string", []string{"type=text"}
	case dialect.TypeBytes:
		return "[]byte", nil
	case dialect.TypeTime:
		return "time.Time", nil
	case dialect.TypeDate:
		return "time.Time", []string{"type=date"}
	case dialect.TypeUUID:
		return "string", []string{"type=uuid"}
	case dialect.TypeJSON:
		return "json.RawMessage", []string{"type=json"}
	}
	return "string", nil
}

// rendersAs reports whether the logical type ti renders as sqlType on the
// dialect (so no verbatim type= is needed).
func (g *generator) rendersAs(ti schema.TypeInfo, sqlType string, indexed bool) bool {
	if ti.Logical == dialect.TypeUnknown {
		return false
	}
	if g.opts.Dialect == nil {
		return true
	}
	length := ti.Length
	if ti.Logical == dialect.TypeString && length == 0 {
		length = 255
	}
	prec := ti.Precision
	if ti.Logical == dialect.TypeTime {
		prec = 0 // the dialect's default precision; a different one is kept verbatim
	}
	got := g.opts.Dialect.ColumnType(dialect.Column{Type: ti.Logical, Length: length, Precision: prec, Scale: ti.Scale, Indexed: indexed})
	if ti.Logical == dialect.TypeDecimal && ti.Precision == 0 {
		got = g.opts.Dialect.ColumnType(dialect.Column{Type: ti.Logical, Indexed: indexed})
	}
	return schema.SameType(g.opts.Dialect, got, sqlType)
}
