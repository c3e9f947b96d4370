package em

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/meta"
)

// Conditions and order on the inside of a JSON property (type=json, the
// object mode of an embeddable): "settings.theme" reads key theme of the
// root entity's settings column — PostgreSQL settings #>> '{theme}' (cast
// to numeric or boolean when compared with a number or a bool), MySQL and
// MariaDB JSON_UNQUOTE(JSON_EXTRACT(settings, '$.theme')), SQLite
// json_extract(settings, '$.theme'), MongoDB the subdocument path
// settings.theme. Keys are letters, digits and underscores.

var jsonKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// jsonPath resolves path as a JSON property of the root and keys inside it;
// ok is false when path is not one.
func (j *joinPlan) jsonPath(path string) (string, *meta.Property, bool, error) {
	head, rest, dotted := strings.Cut(path, ".")
	if !dotted {
		return "", nil, false, nil
	}
	p, found := j.root.Prop(head)
	if !found || p.Kind != meta.Scalar || p.Codec != meta.CodecJSON || p.Embedded != "" {
		return "", nil, false, nil
	}
	keys := strings.Split(rest, ".")
	for _, k := range keys {
		if !jsonKey.MatchString(k) {
			return "", nil, true, &PropertyError{Entity: j.root.Name, Property: path,
				Err: fmt.Errorf("%w: JSON key %q (letters, digits and _ only)", ErrUnknownProperty, k)}
		}
	}
	alias := j.aliases[""]
	if j.doc {
		return alias + "." + p.Column + "." + rest, p, true, nil
	}
	col := alias + "." + p.Column
	if j.d != nil {
		col = alias + "." + j.d.QuoteIdent(p.Column)
	}
	var expr string
	switch name := dialectName(j.d); name {
	case "postgres":
		expr = col + " #>> '{" + strings.Join(keys, ",") + "}'"
	case "mysql", "mariadb":
		expr = "JSON_UNQUOTE(JSON_EXTRACT(" + col + ", '$." + rest + "'))"
	default:
		expr = "json_extract(" + col + ", '$." + rest + "')"
	}
	return "(" + expr + ")", p, true, nil
}

func dialectName(d dialect.Dialect) string {
	if d == nil {
		return ""
	}
	return d.Name()
}

// jsonCast casts a PostgreSQL JSON text extraction for comparison with v.
func (j *joinPlan) jsonCast(expr string, v any) string {
	if dialectName(j.d) != "postgres" {
		return expr
	}
	if l, ok := v.([]any); ok && len(l) > 0 {
		v = l[0]
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "(" + expr + "::numeric)"
	case reflect.Bool:
		return "(" + expr + "::boolean)"
	}
	return expr
}

// jsonOrder is the ORDER BY expression of a JSON path (col as column
// returned it), ordering numbers as numbers: PostgreSQL orders the jsonb
// value itself; MySQL and MariaDB, whose extraction is text, order by the
// numeric value first (NULL for non-numbers), then by the text (two keys,
// NUL-separated for formulaOrder). Other paths are returned as given.
func (j *joinPlan) jsonOrder(path, col string) string {
	if j.doc || j.d == nil || !isFormulaSQL(col) {
		return col
	}
	_, rest, _ := strings.Cut(path, ".")
	p, ok := j.root.Prop(path[:len(path)-len(rest)-1])
	if !ok || p.Codec != meta.CodecJSON {
		return col
	}
	c := j.aliases[""] + "." + j.d.QuoteIdent(p.Column)
	switch dialectName(j.d) {
	case "postgres":
		return "(" + c + " #> '{" + strings.ReplaceAll(rest, ".", ",") + "}')"
	case "mysql", "mariadb":
		x := "JSON_EXTRACT(" + c + ", '$." + rest + "')"
		return "(CASE WHEN JSON_TYPE(" + x + ") IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL') THEN " + x + " + 0 END)\x00" + col
	}
	return col
}
