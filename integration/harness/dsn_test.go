package harness

import (
	"strings"
	"testing"
)

func TestPostgresDSN(t *testing.T) {
	tests := []struct {
		base, want string
		wantErr    bool
	}{
		{"postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
			"postgres://postgres@127.0.0.1:5432/test?search_path=ut_x&sslmode=disable", false},
		{"postgresql://u:p%40ss@h/db", "postgresql://u:p%40ss@h/db?search_path=ut_x", false},
		{"postgres://h/db?search_path=public", "postgres://h/db?search_path=ut_x", false},
		{"host=h user=u dbname=test", "host=h user=u dbname=test search_path=ut_x", false},
		{"host=h search_path=public", "", true},
		{"postgres://h:bad port/db", "", true},
	}
	for _, tt := range tests {
		got, err := postgresDSN(tt.base, "ut_x")
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("postgresDSN(%q) = %q, %v; want %q, error %v", tt.base, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestMySQLDSN(t *testing.T) {
	tests := []struct {
		base, db, want string
		wantErr        bool
	}{
		{"root@tcp(127.0.0.1:3306)/test", "ut_x", "root@tcp(127.0.0.1:3306)/ut_x", false},
		{"root@tcp(127.0.0.1:3306)/test", "", "root@tcp(127.0.0.1:3306)/", false},
		{"u:pw@tcp(h:3307)/test?parseTime=true", "ut_x", "u:pw@tcp(h:3307)/ut_x?parseTime=true", false},
		{"root@tcp(h)test", "ut_x", "", true}, // no slash before the database
	}
	for _, tt := range tests {
		got, err := mysqlDSN(tt.base, tt.db)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("mysqlDSN(%q, %q) = %q, %v; want %q, error %v", tt.base, tt.db, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestAdminDSN(t *testing.T) {
	tests := []struct {
		b          Backend
		base, want string
	}{
		{Postgres, "postgres://postgres@h:5432/test?sslmode=disable",
			"postgres://postgres@h:5432/test?lock_timeout=30s&sslmode=disable"},
		{Postgres, "host=h dbname=test", "host=h dbname=test lock_timeout=30s"},
		{MariaDB, "root@tcp(h:3306)/test", "root@tcp(h:3306)/?lock_wait_timeout=30"},
		{MySQL, "root:pw@tcp(h:3306)/test?parseTime=true", "root:pw@tcp(h:3306)/?parseTime=true&lock_wait_timeout=30"},
		{SQLite, "", ""},
	}
	for _, tt := range tests {
		got, err := adminDSN(tt.b, tt.base)
		if err != nil || got != tt.want {
			t.Errorf("adminDSN(%s, %q) = %q, %v; want %q", tt.b, tt.base, got, err, tt.want)
		}
	}
}

func TestNewName(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		n, err := newName()
		if err != nil {
			t.Fatal(err)
		}
		if len(n) != 19 || !strings.HasPrefix(n, "ut_") || strings.ToLower(n) != n {
			t.Fatalf("name %q is not ut_ and 16 lower-case hex digits", n)
		}
		if seen[n] {
			t.Fatalf("name %q repeated", n)
		}
		seen[n] = true
	}
}

func TestMongoDSN(t *testing.T) {
	tests := []struct{ base, want string }{
		{"mongodb://127.0.0.1:27017/", "mongodb://127.0.0.1:27017/ut_x"},
		{"mongodb://127.0.0.1:32768/?directConnection=true", "mongodb://127.0.0.1:32768/ut_x?directConnection=true"},
		{"mongodb://h1:1,h2:2/admin?replicaSet=rs0", "mongodb://h1:1,h2:2/ut_x?replicaSet=rs0"},
		{"mongodb://u:p%40ss@h", "mongodb://u:p%40ss@h/ut_x"},
	}
	for _, tt := range tests {
		got, err := mongoDSN(tt.base, "ut_x")
		if err != nil || got != tt.want {
			t.Errorf("mongoDSN(%q) = %q, %v; want %q", tt.base, got, err, tt.want)
		}
	}
}
