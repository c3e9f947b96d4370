package harness

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		dsn      map[Backend]string
		require  []Backend
		noDocker bool
		wantErr  error
	}{
		{name: "empty", env: nil},
		{
			name: "dsns trimmed, blank ignored",
			env: map[string]string{EnvPostgresDSN: " postgres://p@h/db ", EnvMySQLDSN: "   ",
				EnvMariaDBDSN: "root@tcp(h:3306)/test", EnvMongoURI: "mongodb://h"},
			dsn: map[Backend]string{Postgres: "postgres://p@h/db", MariaDB: "root@tcp(h:3306)/test", Mongo: "mongodb://h"},
		},
		{name: "require all", env: map[string]string{EnvRequire: "all"}, require: allBackends},
		{name: "require ALL with spaces", env: map[string]string{EnvRequire: " ALL "}, require: allBackends},
		{
			name:    "require list",
			env:     map[string]string{EnvRequire: "sqlite, Postgres,,mariadb"},
			require: []Backend{SQLite, Postgres, MariaDB},
		},
		{name: "require none", env: map[string]string{EnvRequire: "none"}},
		{name: "require typo", env: map[string]string{EnvRequire: "sqlite,postgress"}, wantErr: ErrUnknownBackend},
		{name: "docker 0", env: map[string]string{EnvDocker: "0"}, noDocker: true},
		{name: "docker off", env: map[string]string{EnvDocker: "Off"}, noDocker: true},
		{name: "docker false", env: map[string]string{EnvDocker: "false"}, noDocker: true},
		{name: "docker 1", env: map[string]string{EnvDocker: "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "postgress") {
					t.Errorf("error %q does not name the bad backend", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantDSN := tt.dsn
			if wantDSN == nil {
				wantDSN = map[Backend]string{}
			}
			if !reflect.DeepEqual(cfg.DSN, wantDSN) {
				t.Errorf("DSN = %v, want %v", cfg.DSN, wantDSN)
			}
			wantReq := map[Backend]bool{}
			for _, b := range tt.require {
				wantReq[b] = true
			}
			if !reflect.DeepEqual(cfg.Require, wantReq) {
				t.Errorf("Require = %v, want %v", cfg.Require, wantReq)
			}
			if cfg.NoDocker != tt.noDocker {
				t.Errorf("NoDocker = %v, want %v", cfg.NoDocker, tt.noDocker)
			}
		})
	}
}

func TestChoose(t *testing.T) {
	const pg = "postgres://u@h/db"
	tests := []struct {
		name     string
		backend  Backend
		cfg      Config
		docker   bool // what the Docker probe answers
		embedded bool // what the embedded probe answers (SQLite: always true in production)

		want         Source
		wantRequired bool
		wantDSN      string
		wantProbes   string   // "d" docker probed, "e" embedded probed, in order
		reasonHas    []string // substrings of Reason
	}{
		{
			name: "env wins over docker", backend: Postgres, docker: true,
			cfg:  Config{DSN: map[Backend]string{Postgres: pg}},
			want: SourceEnv, wantDSN: pg, wantProbes: "", reasonHas: []string{EnvPostgresDSN},
		},
		{
			name: "env required", backend: MariaDB,
			cfg:  Config{DSN: map[Backend]string{MariaDB: "root@tcp(h)/x"}, Require: map[Backend]bool{MariaDB: true}},
			want: SourceEnv, wantDSN: "root@tcp(h)/x", wantRequired: true,
		},
		{
			name: "docker when no env", backend: MySQL, docker: true,
			want: SourceDocker, wantProbes: "d",
		},
		{
			name: "mongo docker beats embedded", backend: Mongo, docker: true, embedded: true,
			want: SourceDocker, wantProbes: "d",
		},
		{
			name: "mongo env", backend: Mongo, docker: true, embedded: true,
			cfg:  Config{DSN: map[Backend]string{Mongo: "mongodb://h"}},
			want: SourceEnv, wantDSN: "mongodb://h",
		},
		{
			name: "mongo embedded when docker down", backend: Mongo, embedded: true,
			want: SourceEmbedded, wantProbes: "de", reasonHas: []string{"no Docker daemon answers"},
		},
		{
			name: "mongo embedded when docker disabled", backend: Mongo, docker: true, embedded: true,
			cfg:  Config{NoDocker: true},
			want: SourceEmbedded, wantProbes: "e", reasonHas: []string{EnvDocker + "=0"},
		},
		{
			name: "mongo nothing", backend: Mongo,
			want: SourceNone, wantProbes: "de",
			reasonHas: []string{EnvMongoURI + "=mongodb://", "start Docker", "RegisterEmbeddedMongo"},
		},
		{
			name: "sqlite is embedded, docker never probed", backend: SQLite, docker: true, embedded: true,
			want: SourceEmbedded, wantProbes: "e",
		},
		{
			name: "sqlite required", backend: SQLite, embedded: true,
			cfg:  Config{Require: map[Backend]bool{SQLite: true}},
			want: SourceEmbedded, wantProbes: "e", wantRequired: true,
		},
		{
			name: "sqlite without embedded", backend: SQLite,
			want: SourceNone, wantProbes: "e", reasonHas: []string{"no embedded server"},
		},
		{
			name: "postgres none skips with the env var", backend: Postgres,
			want: SourceNone, wantProbes: "de",
			reasonHas: []string{"set " + EnvPostgresDSN + "=postgres://", "start Docker", "no Docker daemon answers"},
		},
		{
			name: "postgres none, docker disabled", backend: Postgres, docker: true,
			cfg:  Config{NoDocker: true},
			want: SourceNone, wantProbes: "e", reasonHas: []string{EnvPostgresDSN, EnvDocker + "=0"},
		},
		{
			name: "mariadb none but required fails", backend: MariaDB,
			cfg:  Config{Require: map[Backend]bool{MariaDB: true}},
			want: SourceNone, wantProbes: "de", wantRequired: true,
			reasonHas: []string{EnvMariaDBDSN, "required by " + EnvRequire},
		},
		{
			name: "another backend's requirement does not apply", backend: MySQL,
			cfg:  Config{Require: map[Backend]bool{MariaDB: true}},
			want: SourceNone, wantProbes: "de", reasonHas: []string{EnvMySQLDSN},
		},
		{
			name: "another backend's DSN does not apply", backend: MySQL,
			cfg:  Config{DSN: map[Backend]string{MariaDB: "root@tcp(h)/x"}},
			want: SourceNone, wantProbes: "de",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var probes strings.Builder
			p := Probes{
				DockerUp: func() bool { probes.WriteString("d"); return tt.docker },
				Embedded: func(b Backend) bool {
					if b != tt.backend {
						t.Errorf("embedded probe asked about %s, want %s", b, tt.backend)
					}
					probes.WriteString("e")
					return tt.embedded
				},
			}
			c := Choose(tt.backend, tt.cfg, p)
			if c.Backend != tt.backend || c.Source != tt.want || c.Required != tt.wantRequired || c.DSN != tt.wantDSN {
				t.Errorf("Choose = %+v, want backend %s source %s required %v dsn %q",
					c, tt.backend, tt.want, tt.wantRequired, tt.wantDSN)
			}
			if probes.String() != tt.wantProbes {
				t.Errorf("probes called %q, want %q", probes.String(), tt.wantProbes)
			}
			for _, s := range tt.reasonHas {
				if !strings.Contains(c.Reason, s) {
					t.Errorf("reason %q lacks %q", c.Reason, s)
				}
			}
			if tt.want == SourceNone && !tt.wantRequired && strings.Contains(c.Reason, "required") {
				t.Errorf("reason %q says required", c.Reason)
			}
		})
	}
}

func TestChooseNilProbes(t *testing.T) {
	c := Choose(Postgres, Config{}, Probes{})
	if c.Source != SourceNone {
		t.Fatalf("Source = %s, want none", c.Source)
	}
}

func TestBackends(t *testing.T) {
	if got := SQLBackends(); !reflect.DeepEqual(got, []Backend{SQLite, Postgres, MySQL, MariaDB}) {
		t.Errorf("SQLBackends = %v", got)
	}
	SQLBackends()[0] = "x" // callers get a copy
	if sqlBackends[0] != SQLite {
		t.Error("SQLBackends returned the package's slice")
	}
	for _, b := range Backends() {
		if b.IsSQL() != (b != Mongo) {
			t.Errorf("%s.IsSQL() = %v", b, b.IsSQL())
		}
		if b.IsSQL() && b.Driver() != string(b) {
			t.Errorf("%s.Driver() = %q", b, b.Driver())
		}
		if (b.EnvVar() == "") != (b == SQLite) {
			t.Errorf("%s.EnvVar() = %q", b, b.EnvVar())
		}
	}
	if Backend("oracle").Valid() || Backend("oracle").IsSQL() {
		t.Error("unknown backend reported valid")
	}
}
