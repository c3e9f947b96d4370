package qb

import (
	"fmt"
	"strings"
)

// RawNamed is a raw fragment with named bindings, Knex's
// raw('... :name ...', {name: v}): :name binds args["name"] as a value and
// :name: quotes it as an identifier (a string, ColRef or []string).
//
//	qb.RawNamed("SELECT :col: FROM :tbl: WHERE id = :id", map[string]any{"col": "title", "tbl": "book", "id": 7})
//
// A name is a letter or underscore followed by letters, digits and
// underscores; :: (a PostgreSQL cast, as in :id::int) and text such as
// '12:30' are left alone, and \: writes a colon. A ? in the text is a
// literal question mark. A name missing from args is ErrBindMismatch,
// reported when the fragment is used; names in args that the text does not
// use are ignored. The result is an ordinary RawExpr.
func RawNamed(sql string, args map[string]any) RawExpr {
	var b strings.Builder
	var out []any
	var err error
	bind := func(name string, ident bool) {
		v, ok := args[name]
		if !ok {
			if err == nil {
				err = fmt.Errorf("%w: no value for :%s in %s", ErrBindMismatch, name, quoteForMsg(sql))
			}
			return
		}
		if ident {
			b.WriteString("??")
		} else {
			b.WriteString("?")
		}
		out = append(out, v)
	}
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\\' && i+1 < len(sql) && sql[i+1] == ':':
			b.WriteByte(':')
			i += 2
		case c == '?':
			b.WriteString(`\?`)
			i++
		case c == ':' && i+1 < len(sql) && sql[i+1] == ':':
			// a cast (::int) or a run of colons: literal
			j := i
			for j < len(sql) && sql[j] == ':' {
				j++
			}
			b.WriteString(sql[i:j])
			i = j
		case c == ':' && i+1 < len(sql) && nameStart(sql[i+1]) && (i == 0 || !nameChar(sql[i-1])):
			j := i + 1
			for j < len(sql) && nameChar(sql[j]) {
				j++
			}
			name := sql[i+1 : j]
			colons := 0
			for j+colons < len(sql) && sql[j+colons] == ':' {
				colons++
			}
			switch colons {
			case 1, 3: // :name: (then a cast for 3)
				bind(name, true)
				i = j + 1
			default: // :name, or :name::cast
				bind(name, false)
				i = j
			}
		default:
			b.WriteByte(c)
			i++
		}
	}
	return RawExpr{SQL: b.String(), Args: out, err: err}
}

func nameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func nameChar(c byte) bool { return nameStart(c) || c >= '0' && c <= '9' }
