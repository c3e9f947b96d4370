package gen

import (
	"strings"
	"unicode"
)

// initialisms are written in capitals in Go names (as golint wants).
var initialisms = map[string]bool{"id": true, "url": true, "uri": true, "uuid": true, "json": true,
	"api": true, "http": true, "https": true, "sql": true, "html": true, "ip": true, "xml": true, "ui": true}

// GoName turns a table or column name into an exported Go name:
// book_tag → BookTag, author_id → AuthorID, url → URL.
func GoName(s string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if initialisms[strings.ToLower(part)] {
			b.WriteString(strings.ToUpper(part))
			continue
		}
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" {
		return "X"
	}
	if r := []rune(out); !unicode.IsLetter(r[0]) {
		out = "X" + out
	}
	return out
}

// Plural returns an English plural of a Go name: Book → Books, Category →
// Categories, Box → Boxes.
func Plural(s string) string {
	l := strings.ToLower(s)
	switch {
	case strings.HasSuffix(l, "y") && len(l) > 1 && !strings.ContainsRune("aeiou", rune(l[len(l)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(l, "s"), strings.HasSuffix(l, "x"), strings.HasSuffix(l, "ch"), strings.HasSuffix(l, "sh"):
		return s + "es"
	}
	return s + "s"
}

// SanitizePackage turns a folder name into a package name: lower-case
// letters and digits, "entities" when nothing is left.
func SanitizePackage(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "entities"
	}
	return b.String()
}
