package schema

import (
	"slices"
	"strings"
	"testing"
)

func fkTable(name string, refs ...string) *Table {
	t := &Table{Name: name}
	for _, r := range refs {
		t.ForeignKeys = append(t.ForeignKeys, &ForeignKey{Name: name + "_" + r, Columns: []string{r + "_id"}, RefTable: r, RefColumns: []string{"id"}})
	}
	return t
}

func TestCreatePlan(t *testing.T) {
	tests := []struct {
		name     string
		tables   []*Table
		order    []string
		deferred []string
	}{
		{"independent keep order", []*Table{fkTable("b"), fkTable("a")}, []string{"b", "a"}, nil},
		{"child before parent", []*Table{fkTable("book", "author"), fkTable("author")}, []string{"author", "book"}, nil},
		{"self reference", []*Table{fkTable("category", "category")}, []string{"category"}, nil},
		{"outside reference", []*Table{fkTable("book", "elsewhere")}, []string{"book"}, nil},
		{"two-cycle", []*Table{fkTable("author", "book"), fkTable("book", "author")}, []string{"author", "book"}, []string{"author_book"}},
		{"dependant of a cycle is not deferred",
			[]*Table{fkTable("x", "a"), fkTable("a", "b"), fkTable("b", "a")},
			[]string{"a", "b", "x"}, []string{"a_b"}},
		{"three-cycle", []*Table{fkTable("a", "b"), fkTable("b", "c"), fkTable("c", "a")}, []string{"a", "c", "b"}, []string{"a_b"}},
		{"chain", []*Table{fkTable("c", "b"), fkTable("b", "a"), fkTable("a")}, []string{"a", "b", "c"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := createPlan(tc.tables)
			var order, deferred []string
			for _, tb := range p.tables {
				order = append(order, tb.Name)
				for _, fk := range tb.ForeignKeys {
					if p.deferred[fk] {
						deferred = append(deferred, fk.Name)
					}
				}
			}
			if !slices.Equal(order, tc.order) {
				t.Errorf("order = %v, want %v", order, tc.order)
			}
			if !slices.Equal(deferred, tc.deferred) {
				t.Errorf("deferred = %v, want %v", deferred, tc.deferred)
			}
		})
	}
}

func TestShortName(t *testing.T) {
	short := "book_author_id_foreign"
	if got := shortName(short); got != short {
		t.Errorf("shortName(%q) = %q", short, got)
	}
	long := strings.Repeat("a_very_long_table_name_", 4) + "foreign"
	got := shortName(long)
	if len(got) != maxIdent || !strings.HasPrefix(got, long[:maxIdent-9]) {
		t.Errorf("shortName(long) = %q (%d bytes)", got, len(got))
	}
	if shortName(long) != got {
		t.Error("shortName is not deterministic")
	}
	if other := shortName(long + "x"); other == got {
		t.Error("two long names share a short name")
	}
}
