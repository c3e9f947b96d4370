package schema

import (
	"testing"

	"github.com/unitorm/unitorm/dialect"
)

func TestTypeKey(t *testing.T) {
	tests := []struct {
		d    dialect.Dialect
		a, b string
		same bool
	}{
		{dialect.Postgres, "varchar(255)", "character varying(255)", true},
		{dialect.Postgres, "timestamptz", "timestamp with time zone", true},
		{dialect.Postgres, "timestamptz(3)", "timestamp(3) with time zone", true},
		{dialect.Postgres, "numeric(10,2)", "decimal(10, 2)", true},
		{dialect.Postgres, "int", "integer", true},
		{dialect.Postgres, "double precision", "float8", true},
		{dialect.Postgres, "json", "jsonb", false},
		{dialect.Postgres, "varchar(100)", "varchar(200)", false},
		{dialect.MySQL, "int", "int(11)", true},
		{dialect.MySQL, "bigint", "bigint(20)", true},
		{dialect.MySQL, "tinyint(1)", "boolean", true},
		{dialect.MySQL, "tinyint(4)", "tinyint(1)", false},
		{dialect.MySQL, "json", "longtext", true},
		{dialect.MySQL, "numeric(10,2)", "decimal(10,2)", true},
		{dialect.MySQL, "bigint unsigned", "bigint(20) unsigned", true},
		{dialect.SQLite, "VARCHAR(20)", "varchar(20)", true},
		{dialect.SQLite, "integer", "bigint", false},
	}
	for _, tc := range tests {
		if got := SameType(tc.d, tc.a, tc.b); got != tc.same {
			t.Errorf("%s: SameType(%q, %q) = %v, want %v", tc.d.Name(), tc.a, tc.b, got, tc.same)
		}
	}
}

func TestNormDefault(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"'NL'", "'NL'::character varying", true},
		{"0", "0.00", true},
		{"0", "'0'", true},
		{"true", "1", true},
		{"false", "0", true},
		{"now()", "CURRENT_TIMESTAMP", true},
		{"current_timestamp()", "CURRENT_TIMESTAMP", true},
		{"(-1)", "-1", true},
		{"'{}'::jsonb", "'{}'", true},
		{"'it''s'", "'it''s'::text", true},
		{"'a::b'", "'a::b'::text", true},
		{"'NL'", "'nl'", false},
		{"1", "2", false},
		{"NULL", "", true},
	}
	for _, tc := range tests {
		if got := normDefault(tc.a) == normDefault(tc.b); got != tc.same {
			t.Errorf("normDefault(%q) = %q, normDefault(%q) = %q; same = %v, want %v",
				tc.a, normDefault(tc.a), tc.b, normDefault(tc.b), got, tc.same)
		}
	}
}

func TestParseType(t *testing.T) {
	tests := []struct {
		in   string
		want TypeInfo
	}{
		{"varchar(13)", TypeInfo{Logical: dialect.TypeString, Length: 13}},
		{"numeric(10,2)", TypeInfo{Logical: dialect.TypeDecimal, Precision: 10, Scale: 2}},
		{"tinyint(1)", TypeInfo{Logical: dialect.TypeBool}},
		{"bigint unsigned", TypeInfo{Logical: dialect.TypeInt64, Unsigned: true}},
		{"char(36)", TypeInfo{Logical: dialect.TypeUUID}},
		{"timestamp with time zone", TypeInfo{Logical: dialect.TypeTime}},
		{"datetime(6)", TypeInfo{Logical: dialect.TypeTime, Precision: 6}},
		{"jsonb", TypeInfo{Logical: dialect.TypeJSON}},
		{"enum('a','b')", TypeInfo{}},
		{"geometry", TypeInfo{}},
	}
	for _, tc := range tests {
		if got := ParseType(tc.in); got != tc.want {
			t.Errorf("ParseType(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
