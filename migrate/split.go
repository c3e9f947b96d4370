package migrate

import "strings"

// SplitStatements splits a SQL script into statements at semicolons that
// are outside string literals ('...'), quoted identifiers ("..." and
// `...`), comments (-- to the end of the line, /* ... */) and PostgreSQL
// dollar-quoted strings ($$...$$, $tag$...$tag$). Statements are trimmed;
// empty ones and ones holding only comments are dropped.
func SplitStatements(script string) []string {
	var out []string
	start := 0
	onlyComments := true // the current statement has nothing but comments and spaces so far
	flush := func(end int) {
		stmt := strings.TrimSpace(script[start:end])
		if stmt != "" && !onlyComments {
			out = append(out, stmt)
		}
		start = end + 1
		onlyComments = true
	}
	n := len(script)
	for i := 0; i < n; i++ {
		c := script[i]
		switch {
		case c == '-' && i+1 < n && script[i+1] == '-':
			j := strings.IndexByte(script[i:], '\n')
			if j < 0 {
				i = n - 1
			} else {
				i += j
			}
			continue
		case c == '/' && i+1 < n && script[i+1] == '*':
			j := strings.Index(script[i+2:], "*/")
			if j < 0 {
				i = n - 1
			} else {
				i += j + 3
			}
			continue
		case c == ';':
			flush(i)
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		}
		onlyComments = false
		switch c {
		case '\'', '"', '`':
			i = skipQuoted(script, i, c)
		case '$':
			if tag, ok := dollarTag(script, i); ok {
				j := strings.Index(script[i+len(tag):], tag)
				if j < 0 {
					i = n - 1
				} else {
					i += len(tag) + j + len(tag) - 1
				}
			}
		}
	}
	if start < n {
		flush(n)
	}
	return out
}

// skipQuoted returns the index of the quote closing the one at i (a doubled
// quote is part of the literal; a backslash escapes the next byte in '...'
// as MySQL reads it), or the last index when it is not closed.
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if q == '\'' {
				j++
			}
		case q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(s) - 1
}

// dollarTag reports whether a PostgreSQL dollar quote ($$ or $name$)
// starts at i, and returns it.
func dollarTag(s string, i int) (string, bool) {
	if i > 0 {
		// $1 parameters and identifiers containing $ are not quotes.
		p := s[i-1]
		if p == '_' || p >= '0' && p <= '9' || p >= 'a' && p <= 'z' || p >= 'A' && p <= 'Z' {
			return "", false
		}
	}
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[i : j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (j > i+1 && c >= '0' && c <= '9'):
		default:
			return "", false
		}
	}
	return "", false
}
