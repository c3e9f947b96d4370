package schema

import (
	"github.com/unitorm/unitorm/dialect"
	"regexp"
	"strconv"
	"strings"
)

// Comparing a schema built from metadata with one read from a database
// needs both sides in one form: databases report types and defaults in
// their own spelling (character varying(255), int(11), 'NL'::character
// varying, 0.00, current_timestamp()). The functions here map both sides to
// comparison keys; they never change what is rendered.

var (
	spaces       = regexp.MustCompile(`\s+`)
	commaSpace   = regexp.MustCompile(`\s*,\s*`)
	parenSpace   = regexp.MustCompile(`\s*\(\s*`)
	displayWidth = regexp.MustCompile(`^(smallint|mediumint|int|integer|bigint)\(\d+\)`)
	tinyWidth    = regexp.MustCompile(`^tinyint\((\d+)\)`)
	pgTimestamp  = regexp.MustCompile(`^timestamp(\(\d+\))? with time zone$`)
	pgTimeNoZone = regexp.MustCompile(`^(timestamp|time)(\(\d+\))? without time zone$`)
)

// typeFamily says which aliases a database folds together.
type typeFamily int

const (
	familyPostgres typeFamily = iota
	familyMySQL
	familySQLite
)

func (s style) family() typeFamily {
	switch {
	case s.modifyColumn:
		return familyMySQL
	case s.rebuildTables:
		return familySQLite
	}
	return familyPostgres
}

// typeKey is the comparison key of a SQL type.
func (s style) typeKey(t string) string {
	k := strings.ToLower(strings.TrimSpace(t))
	k = spaces.ReplaceAllString(k, " ")
	k = commaSpace.ReplaceAllString(k, ",")
	k = parenSpace.ReplaceAllString(k, "(")
	k = strings.ReplaceAll(k, " )", ")")
	switch s.family() {
	case familyPostgres:
		k = pgTypeName(k)
		switch k {
		case "int", "int4":
			k = "integer"
		case "int8":
			k = "bigint"
		case "int2":
			k = "smallint"
		case "float8", "float":
			k = "double precision"
		case "float4":
			k = "real"
		case "bool":
			k = "boolean"
		case "decimal":
			k = "numeric"
		case "json":
			// json and jsonb are different types on PostgreSQL.
		}
		if strings.HasPrefix(k, "decimal(") {
			k = "numeric" + k[len("decimal"):]
		}
	case familyMySQL:
		k = displayWidth.ReplaceAllString(k, "$1")
		switch {
		case k == "integer":
			k = "int"
		case strings.HasPrefix(k, "integer "):
			k = "int" + k[len("integer"):]
		case k == "bool" || k == "boolean":
			k = "tinyint(1)"
		case k == "real" || k == "double precision":
			k = "double"
		case k == "numeric" || k == "decimal":
			k = "decimal(10,0)"
		case strings.HasPrefix(k, "numeric("):
			k = "decimal" + k[len("numeric"):]
		case k == "json":
			k = "longtext" // MariaDB's JSON is LONGTEXT with a json_valid check
		}
		if m := tinyWidth.FindStringSubmatch(k); m != nil && m[1] != "1" {
			k = "tinyint" + k[len(m[0]):]
		}
		if strings.HasPrefix(k, "decimal(") && !strings.Contains(k, ",") {
			k = strings.TrimSuffix(k, ")") + ",0)"
		}
	}
	return k
}

// pgTypeName maps PostgreSQL's format_type spellings to the short ones.
func pgTypeName(k string) string {
	switch {
	case strings.HasPrefix(k, "character varying"):
		return "varchar" + k[len("character varying"):]
	case strings.HasPrefix(k, "character("):
		return "char" + k[len("character"):]
	case k == "character":
		return "char(1)"
	case k == "timestamptz" || strings.HasPrefix(k, "timestamptz("):
		return k
	}
	if m := pgTimestamp.FindStringSubmatch(k); m != nil {
		return "timestamptz" + m[1]
	}
	if m := pgTimeNoZone.FindStringSubmatch(k); m != nil {
		return m[1] + m[2]
	}
	return k
}

// defaultKey is the comparison key of a column default; "" means none.
func defaultKey(c *Column) string {
	if !c.HasDefault {
		return ""
	}
	return normDefault(c.Default)
}

func normDefault(s string) string {
	s = strings.TrimSpace(s)
	for {
		s = stripCast(s)
		if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' && balanced(s[1:len(s)-1]) {
			s = strings.TrimSpace(s[1 : len(s)-1])
			continue
		}
		break
	}
	if strings.HasPrefix(s, "'") {
		// A string literal: '1' and 1 are the same default to MySQL and SQLite.
		if inner, ok := unquote(s); ok {
			if _, err := strconv.ParseFloat(inner, 64); err == nil {
				return numKey(inner)
			}
			return "'" + strings.ReplaceAll(inner, "'", "''") + "'"
		}
		return s
	}
	k := strings.ToLower(s)
	switch k {
	case "null":
		return ""
	case "true":
		return "1"
	case "false":
		return "0"
	case "now()", "current_timestamp()", "current_timestamp", "localtimestamp", "localtimestamp()":
		return "current_timestamp"
	}
	if _, err := strconv.ParseFloat(k, 64); err == nil {
		return numKey(k)
	}
	return spaces.ReplaceAllString(k, " ")
}

func numKey(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// stripCast removes a trailing PostgreSQL cast ('NL'::character varying,
// '{}'::jsonb, (0)::numeric).
func stripCast(s string) string {
	end := 0
	if strings.HasPrefix(s, "'") {
		i := 1
		for i < len(s) {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i += 2
					continue
				}
				break
			}
			i++
		}
		end = i + 1
	}
	if end > len(s) {
		return s
	}
	if i := strings.Index(s[end:], "::"); i >= 0 && balanced(s[:end+i]) {
		return strings.TrimSpace(s[:end+i])
	}
	return s
}

func balanced(s string) bool {
	depth, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0 && !inQuote
}

// unquote returns the content of a single-quoted SQL string literal.
func unquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	inner := s[1 : len(s)-1]
	if strings.Contains(strings.ReplaceAll(inner, "''", ""), "'") {
		return "", false
	}
	return strings.ReplaceAll(inner, "''", "'"), true
}

// actionKey is the comparison key of a referential action.
func (s style) actionKey(a string) string {
	a = strings.ToUpper(strings.TrimSpace(a))
	if a == "" || a == "NO ACTION" {
		return ""
	}
	if a == "RESTRICT" && s.family() == familyMySQL {
		return "" // InnoDB treats NO ACTION as RESTRICT and reports either
	}
	return a
}

// SameType reports whether two SQL types are the same type on dialect d
// (varchar(255) and character varying(255) on PostgreSQL, int and int(11)
// on MySQL, ...).
func SameType(d dialect.Dialect, a, b string) bool {
	s := styleOf(d)
	return s.typeKey(a) == s.typeKey(b)
}
