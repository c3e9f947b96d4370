package qb

import (
	"fmt"
	"strings"
	"unicode"
)

// splitAlias reads "name", "name alias" or "name AS alias".
func splitAlias(s string) (name, alias string, err error) {
	f := strings.Fields(s)
	switch {
	case len(f) == 1:
		return f[0], "", nil
	case len(f) == 2 && !strings.EqualFold(f[1], "as"):
		return f[0], f[1], nil
	case len(f) == 3 && strings.EqualFold(f[1], "as"):
		return f[0], f[2], nil
	}
	return "", "", fmt.Errorf("%w: %s is not `name`, `name alias` or `name AS alias`", ErrInvalidIdentifier, quoteForMsg(s))
}

var onOps = map[string]Op{"=": OpEq, "<>": OpNe, "!=": OpNe, "<": OpLt, "<=": OpLte, ">": OpGt, ">=": OpGte}

// parseOn reads a join condition written as text: column comparisons
// ("a.id = b.author_id") joined with AND. Columns are letters, digits, _ and $
// with dots between parts; operators are = <> != < <= > >=. Anything else
// (values, OR, functions, quotes) is ErrInvalidValue: use a Condition with
// Col for those.
func parseOn(s string) (Expr, error) {
	toks, err := onTokens(s)
	if err != nil {
		return nil, err
	}
	bad := func(why string) error {
		return invalidValue("join condition %s: %s (use a Condition with qb.Col for anything but column comparisons joined by AND)", quoteForMsg(s), why)
	}
	var items []Expr
	for i := 0; ; {
		if i+3 > len(toks) {
			return nil, bad("expected `column op column`")
		}
		l, op, rt := toks[i], toks[i+1], toks[i+2]
		o, ok := onOps[op]
		if !ok || !isOnIdent(l) || !isOnIdent(rt) {
			return nil, bad("expected `column op column`")
		}
		items = append(items, Compare{Field: l, Op: o, Value: ColRef(rt)})
		i += 3
		if i == len(toks) {
			break
		}
		if !strings.EqualFold(toks[i], "and") {
			return nil, bad(fmt.Sprintf("unexpected %q", toks[i]))
		}
		i++
	}
	if len(items) == 1 {
		return items[0], nil
	}
	return Logical{Op: OpAnd, Items: items}, nil
}

func isIdentRune(c rune) bool {
	return c == '_' || c == '$' || c == '.' || unicode.IsLetter(c) || unicode.IsDigit(c)
}

func isOnIdent(t string) bool {
	if t == "" || strings.EqualFold(t, "and") || t[0] == '.' || t[len(t)-1] == '.' || strings.Contains(t, "..") {
		return false
	}
	for _, c := range t {
		if !isIdentRune(c) {
			return false
		}
	}
	c := []rune(t)[0]
	return !unicode.IsDigit(c) && c != '$'
}

func onTokens(s string) ([]string, error) {
	var toks []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isIdentRune(c):
			j := i
			for j < len(rs) && isIdentRune(rs[j]) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		case c == '=' || c == '<' || c == '>' || c == '!':
			j := i + 1
			if j < len(rs) && (rs[j] == '=' || (c == '<' && rs[j] == '>')) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		default:
			return nil, invalidValue("join condition %s: unexpected %q", quoteForMsg(s), string(c))
		}
	}
	return toks, nil
}
