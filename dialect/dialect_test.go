package dialect

import (
	"errors"
	"testing"
)

func TestAppendIdent(t *testing.T) {
	tests := []struct {
		d    Dialect
		in   string
		want string
	}{
		{Postgres, "book", `"book"`},
		{Postgres, "b.title", `"b"."title"`},
		{Postgres, "b.*", `"b".*`},
		{Postgres, `we"ird`, `"we""ird"`},
		{Postgres, "a;drop table x", `"a;drop table x"`},
		{SQLite, `x"y`, `"x""y"`},
		{MySQL, "book", "`book`"},
		{MySQL, "a`b", "`a``b`"},
		{MariaDB, "s.t", "`s`.`t`"},
	}
	for _, tt := range tests {
		if got := tt.d.QuoteIdent(tt.in); got != tt.want {
			t.Errorf("%s.QuoteIdent(%q) = %s, want %s", tt.d.Name(), tt.in, got, tt.want)
		}
	}
}

func TestValidateIdent(t *testing.T) {
	for _, bad := range []string{"", "a\x00b", "a\nb", string([]byte{0xff}), string(make([]byte, 129))} {
		if err := ValidateIdent(bad); !errors.Is(err, ErrIdentifier) {
			t.Errorf("ValidateIdent(%q) = %v, want ErrIdentifier", bad, err)
		}
	}
	for _, ok := range []string{"book", `a"b`, "a`b", "a;b", "ünïcode"} {
		if err := ValidateIdent(ok); err != nil {
			t.Errorf("ValidateIdent(%q) = %v", ok, err)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	if got := string(Postgres.AppendPlaceholder(nil, 12)); got != "$12" {
		t.Errorf("postgres placeholder = %s", got)
	}
	for _, d := range []Dialect{MySQL, MariaDB, SQLite} {
		if got := string(d.AppendPlaceholder(nil, 3)); got != "?" {
			t.Errorf("%s placeholder = %s", d.Name(), got)
		}
	}
}

func TestAppendString(t *testing.T) {
	if got := string(Postgres.AppendString(nil, `it's \ ok`)); got != `'it''s \ ok'` {
		t.Errorf("postgres = %s", got)
	}
	if got := string(MySQL.AppendString(nil, `it's \ ok`)); got != `'it''s \\ ok'` {
		t.Errorf("mysql = %s", got)
	}
}

func TestFeatures(t *testing.T) {
	tests := []struct {
		d    Dialect
		f    Feature
		want bool
	}{
		{Postgres, InsertReturning | UpdateReturning | DeleteReturning, true},
		{MariaDB, InsertReturning | DeleteReturning, true},
		{MariaDB, UpdateReturning, false},
		{MySQL, InsertReturning, false},
		{SQLite, DeleteReturning, true},
		{SQLite, ForUpdate, false},
		{MySQL, UpsertOnDuplicateKey, true},
		{SQLite, UpsertOnConflict, true},
		{Postgres, ILike | CaseSensitiveLike, true},
		{MySQL, NullsOrder, false},
		{SQLite, NullsOrder, true},
		{Postgres, FloatInfinity | FloatNaN, true},
		{SQLite, FloatInfinity, true},
		{SQLite, FloatNaN, false},
		{MySQL, FloatInfinity, false},
		{MySQL, FloatNaN, false},
		{MariaDB, FloatInfinity, false},
		{MariaDB, FloatNaN, false},
		{SQLite, JSONEach, true},
		{MariaDB, JSONEach, false},
		{Postgres, JSONEach, false},
	}
	for _, tt := range tests {
		if got := tt.d.Has(tt.f); got != tt.want {
			t.Errorf("%s.Has(%b) = %v, want %v", tt.d.Name(), tt.f, got, tt.want)
		}
	}
}

func TestColumnType(t *testing.T) {
	tests := []struct {
		d    Dialect
		c    Column
		want string
	}{
		{Postgres, Column{Type: TypeString}, "varchar(255)"},
		{Postgres, Column{Type: TypeString, Length: 40}, "varchar(40)"},
		{Postgres, Column{Type: TypeDecimal, Precision: 12, Scale: 3}, "numeric(12,3)"},
		{Postgres, Column{Type: TypeJSON}, "jsonb"},
		{MySQL, Column{Type: TypeBool}, "tinyint(1)"},
		{MySQL, Column{Type: TypeText, Indexed: true}, "varchar(255)"},
		{MariaDB, Column{Type: TypeTime}, "datetime(6)"},
		{SQLite, Column{Type: TypeInt64}, "integer"},
		{SQLite, Column{Type: TypeBytes}, "blob"},
		// A float32 needs a DOUBLE on MySQL: the text protocol sends a
		// FLOAT with 6 significant digits.
		{MySQL, Column{Type: TypeFloat32}, "double"},
		{MariaDB, Column{Type: TypeFloat32}, "double"},
		{MySQL, Column{Type: TypeFloat64}, "double"},
		{Postgres, Column{Type: TypeFloat32}, "real"},
		{Postgres, Column{Type: TypeFloat64}, "double precision"},
		{SQLite, Column{Type: TypeFloat32}, "real"},
	}
	for _, tt := range tests {
		if got := tt.d.ColumnType(tt.c); got != tt.want {
			t.Errorf("%s.ColumnType(%+v) = %s, want %s", tt.d.Name(), tt.c, got, tt.want)
		}
	}
	if def, inline := SQLite.AutoIncrement(TypeInt64); !inline || def != "integer PRIMARY KEY AUTOINCREMENT" {
		t.Errorf("sqlite autoinc = %s %v", def, inline)
	}
}

func TestByName(t *testing.T) {
	for name, want := range map[string]Dialect{"postgres": Postgres, "pgx": Postgres, "mysql": MySQL, "mariadb": MariaDB, "sqlite3": SQLite} {
		if got, err := ByName(name); err != nil || got != want {
			t.Errorf("ByName(%q) = %v, %v", name, got, err)
		}
	}
	if _, err := ByName("oracle"); err == nil {
		t.Error("ByName(oracle) succeeded")
	}
}
