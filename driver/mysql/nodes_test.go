package mysql

import (
	"slices"
	"testing"
)

func TestSplitNodes(t *testing.T) {
	for _, tc := range []struct {
		dsn, want string
		nodes     []string
	}{
		{"root@tcp(127.0.0.1:3306)/test", "root@tcp(127.0.0.1:3306)/test", nil},
		{"root@tcp(a:1,b:2,c:3)/test?parseTime=true", "root@tcp(a:1)/test?parseTime=true", []string{"a:1", "b:2", "c:3"}},
		{"u:p@ss,tcp(x@tcp(a:1,b:2)/db", "u:p@ss,tcp(x@tcp(a:1)/db", []string{"a:1", "b:2"}},
		{"tcp(a, b)/db", "tcp(a)/db", []string{"a", "b"}},
		{"u@unix(/tmp/a,b)/db", "u@unix(/tmp/a,b)/db", nil},
		{"nodb", "nodb", nil},
		{"u@tcp(,)/db", "u@tcp(,)/db", nil},
	} {
		got, nodes := splitNodes(tc.dsn)
		if got != tc.want || !slices.Equal(nodes, tc.nodes) {
			t.Errorf("splitNodes(%q) = %q, %q; want %q, %q", tc.dsn, got, nodes, tc.want, tc.nodes)
		}
	}
}

func FuzzSplitNodes(f *testing.F) {
	f.Add("root@tcp(a:1,b:2)/test")
	f.Add("u:p@tcp(x)/@tcp(a,b)/d")
	f.Fuzz(func(t *testing.T, dsn string) {
		got, nodes := splitNodes(dsn)
		if nodes == nil && got != dsn {
			t.Fatalf("one address: DSN changed to %q", got)
		}
		for _, n := range nodes {
			if n == "" {
				t.Fatal("an empty node")
			}
		}
	})
}
