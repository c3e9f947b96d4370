package harness

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// errBadEnv stands for any error from ParseConfig (no sentinel).
var errBadEnv = errors.New("bad environment")

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		dsn      map[Backend]string
		require  []Backend
		noDocker bool
		image    map[Backend]string
		expire   time.Duration
		wantErr  error
		errHas   string
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
		{name: "require typo", env: map[string]string{EnvRequire: "sqlite,postgress"}, wantErr: ErrUnknownBackend, errHas: "postgress"},
		{name: "docker 0", env: map[string]string{EnvDocker: "0"}, noDocker: true},
		{name: "docker off", env: map[string]string{EnvDocker: "Off"}, noDocker: true},
		{name: "docker false", env: map[string]string{EnvDocker: "false"}, noDocker: true},
		{name: "docker 1", env: map[string]string{EnvDocker: "1"}},
		{
			name:  "images",
			env:   map[string]string{EnvPostgresImage: " unitorm-ci/postgres:15 ", EnvMongoImage: "ferretdb", EnvMySQLImage: " "},
			image: map[Backend]string{Postgres: "unitorm-ci/postgres:15", Mongo: "ferretdb"},
		},
		{name: "bad image", env: map[string]string{EnvMariaDBImage: "mariadb@sha256:00"}, wantErr: errBadEnv, errHas: EnvMariaDBImage},
		{name: "expire duration", env: map[string]string{EnvDockerExpire: "20m"}, expire: 20 * time.Minute},
		{name: "expire seconds", env: map[string]string{EnvDockerExpire: "45"}, expire: 45 * time.Second},
		{name: "expire bad", env: map[string]string{EnvDockerExpire: "soon"}, wantErr: errBadEnv, errHas: EnvDockerExpire},
		{name: "expire too short", env: map[string]string{EnvDockerExpire: "10ms"}, wantErr: errBadEnv, errHas: EnvDockerExpire},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != nil {
				if err == nil || (tt.wantErr != errBadEnv && !errors.Is(err, tt.wantErr)) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("error %q does not name %q", err, tt.errHas)
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
			wantImage := tt.image
			if wantImage == nil {
				wantImage = map[Backend]string{}
			}
			if !reflect.DeepEqual(cfg.Image, wantImage) {
				t.Errorf("Image = %v, want %v", cfg.Image, wantImage)
			}
			if cfg.Expire != tt.expire {
				t.Errorf("Expire = %v, want %v", cfg.Expire, tt.expire)
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
		docker   bool  // what the Docker probe answers
		embedded bool  // what the embedded probe answers (SQLite: always true in production)
		imageErr error // what the image probe answers

		want         Source
		wantRequired bool
		wantDSN      string
		wantProbes   string // "d" docker, "i" image, "e" embedded probed, in order
		wantImage    string
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
			want: SourceDocker, wantProbes: "di", wantImage: "mysql:8", reasonHas: []string{"mysql:8"},
		},
		{
			name: "mongo docker beats embedded", backend: Mongo, docker: true, embedded: true,
			want: SourceDocker, wantProbes: "di", wantImage: "mongo:7",
		},
		{
			name: "image from the variable", backend: Postgres, docker: true,
			cfg:  Config{Image: map[Backend]string{Postgres: "unitorm-ci/postgres:15"}},
			want: SourceDocker, wantProbes: "di", wantImage: "unitorm-ci/postgres:15",
			reasonHas: []string{"unitorm-ci/postgres:15"},
		},
		{
			name: "image missing: postgres skips naming image and variables", backend: Postgres, docker: true,
			imageErr: errors.New("API error (500): lookup registry-1.docker.io: no such host"),
			want:     SourceNone, wantProbes: "die", wantImage: "postgres:15",
			reasonHas: []string{"postgres:15", "cannot be had", "no such host",
				"set " + EnvPostgresImage + " to an image", "set " + EnvPostgresDSN + "="},
		},
		{
			name: "image missing: required mariadb fails", backend: MariaDB, docker: true,
			cfg:      Config{Require: map[Backend]bool{MariaDB: true}, Image: map[Backend]string{MariaDB: "unitorm-ci/mariadb:10.11"}},
			imageErr: errors.New("no such host"),
			want:     SourceNone, wantProbes: "die", wantRequired: true, wantImage: "unitorm-ci/mariadb:10.11",
			reasonHas: []string{"unitorm-ci/mariadb:10.11", EnvMariaDBImage, EnvMariaDBDSN, "required by " + EnvRequire},
		},
		{
			name: "image missing: mongo falls back to embedded", backend: Mongo, docker: true, embedded: true,
			imageErr: errors.New("no such host"),
			want:     SourceEmbedded, wantProbes: "die", wantImage: "mongo:7",
			reasonHas: []string{"embedded", "mongo:7 cannot be had"},
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
				Image: func(b Backend) error {
					if b != tt.backend {
						t.Errorf("image probe asked about %s, want %s", b, tt.backend)
					}
					probes.WriteString("i")
					return tt.imageErr
				},
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
			if c.Image != tt.wantImage {
				t.Errorf("Image = %q, want %q", c.Image, tt.wantImage)
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
