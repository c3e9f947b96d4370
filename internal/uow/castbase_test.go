package uow

import "testing"

// TestCastBase: array parameters are cast to their column's type without
// its modifiers, so that PostgreSQL applies the column's length by
// assignment (an error) instead of by the cast (silent truncation).
func TestCastBase(t *testing.T) {
	for in, want := range map[string]string{
		"varchar(255)":          "varchar",
		"character varying(20)": "character varying",
		"char(36)":              "bpchar",
		"CHARACTER(2)":          "bpchar",
		"bit(8)":                "varbit",
		"numeric(10,2)":         "numeric",
		"numeric(10, 2)":        "numeric",
		"timestamptz(3)":        "timestamptz",
		"varchar(10)[]":         "varchar[]",
		"char(2)[]":             "bpchar[]",
		"text":                  "text",
		"double precision":      "double precision",
		"bigint":                "bigint",
		"geometry(Point,4326)":  "geometry(Point,4326)",
	} {
		if got := castBase(in); got != want {
			t.Errorf("castBase(%q) = %q, want %q", in, got, want)
		}
	}
}
