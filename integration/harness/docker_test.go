package harness

import (
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestPublishedHost(t *testing.T) {
	tests := []struct{ ip, dockerHost, want string }{
		{"localhost", "", "127.0.0.1"},
		{"", "unix:///var/run/docker.sock", "127.0.0.1"},
		{"localhost", "tcp://10.0.0.5:2376", "10.0.0.5"},
		{"192.168.1.9", "tcp://10.0.0.5:2376", "192.168.1.9"},
		{"127.0.0.1", "", "127.0.0.1"},
		{"0.0.0.0", "tcp://10.0.0.5:2376", "10.0.0.5"},
	}
	for _, tt := range tests {
		if got := publishedHost(tt.ip, tt.dockerHost); got != tt.want {
			t.Errorf("publishedHost(%q, %q) = %q, want %q", tt.ip, tt.dockerHost, got, tt.want)
		}
	}
}

func TestDockerProbeFailsFast(t *testing.T) {
	t.Setenv("DOCKER_MACHINE_NAME", "")
	t.Setenv("DOCKER_CERT_PATH", "")
	t.Setenv("DOCKER_HOST", "tcp://127.0.0.1:1") // nothing listens on port 1
	start := time.Now()
	pool, err := newDockerPool()
	if err == nil || pool != nil {
		t.Fatalf("newDockerPool() = %v, %v; want an error", pool, err)
	}
	if !strings.HasPrefix(err.Error(), "harness: docker") {
		t.Errorf("error %q lacks the package prefix", err)
	}
	if d := time.Since(start); d > dockerProbeTimeout+time.Second {
		t.Errorf("probe took %v, want at most %v", d, dockerProbeTimeout)
	}
}

func TestImagesCoverContainerBackends(t *testing.T) {
	for _, b := range allBackends {
		img, ok := defaultImages[b]
		if ok != b.hasContainer() || (b.ImageEnvVar() != "") != ok {
			t.Errorf("%s: image %v, hasContainer %v, image variable %q", b, ok, b.hasContainer(), b.ImageEnvVar())
		}
		if ok && (img.repo == "" || img.tag == "" || !strings.HasSuffix(img.port, "/tcp")) {
			t.Errorf("%s: incomplete image %+v", b, img)
		}
	}
	if _, err := startContainer(nil, SQLite, image{}, time.Minute, time.Second); err == nil {
		t.Error("startContainer(sqlite) did not fail")
	}
}

func TestParseImageRef(t *testing.T) {
	tests := []struct {
		ref, repo, tag string
		wantErr        bool
	}{
		{"postgres:15", "postgres", "15", false},
		{" unitorm-ci/mariadb:10.11 ", "unitorm-ci/mariadb", "10.11", false},
		{"mongo", "mongo", "latest", false},
		{"localhost:5000/pg", "localhost:5000/pg", "latest", false},
		{"localhost:5000/pg:15-alpine", "localhost:5000/pg", "15-alpine", false},
		{"", "", "", true},
		{"postgres@sha256:abc", "", "", true},
		{"postgres:", "", "", true},
		{":15", "", "", true},
		{"post gres:15", "", "", true},
		{"registry/:15", "", "", true},
	}
	for _, tt := range tests {
		repo, tag, err := parseImageRef(tt.ref)
		if (err != nil) != tt.wantErr || repo != tt.repo || tag != tt.tag {
			t.Errorf("parseImageRef(%q) = %q, %q, %v; want %q, %q, error %v",
				tt.ref, repo, tag, err, tt.repo, tt.tag, tt.wantErr)
		}
	}
}

func TestImageFor(t *testing.T) {
	cfg := Config{Image: map[Backend]string{MySQL: "unitorm-ci/mariadb:10.11"}}
	img, ok := imageFor(MySQL, cfg)
	if !ok || img.ref() != "unitorm-ci/mariadb:10.11" || img.port != "3306/tcp" ||
		!reflect.DeepEqual(img.env, defaultImages[MySQL].env) {
		t.Errorf("imageFor(mysql) = %+v, %v; want the override with mysql's environment", img, ok)
	}
	if got := cfg.ImageRef(MariaDB); got != "mariadb:10.11" {
		t.Errorf("ImageRef(mariadb) = %q, want the default", got)
	}
	if got := cfg.ImageRef(SQLite); got != "" {
		t.Errorf("ImageRef(sqlite) = %q", got)
	}
	if defaultImages[MySQL].repo != "mysql" {
		t.Error("imageFor changed the defaults")
	}
}

func TestRemoteDaemon(t *testing.T) {
	for host, want := range map[string]bool{
		"":                            false,
		"unix:///var/run/docker.sock": false,
		"tcp://127.0.0.1:2375":        false,
		"tcp://localhost:2375":        false,
		"tcp://[::1]:2375":            false,
		"tcp://10.0.0.5:2376":         true,
		"tcp://docker.example:2376":   true,
	} {
		if got := remoteDaemon(host); got != want {
			t.Errorf("remoteDaemon(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestContainerExpiry(t *testing.T) {
	if got := containerExpiry(Config{Expire: 90 * time.Second}); got != 90*time.Second {
		t.Errorf("expiry with %s = %v", EnvDockerExpire, got)
	}
	want := defaultExpire
	if f := flag.Lookup("test.timeout"); f != nil {
		if d := f.Value.(flag.Getter).Get().(time.Duration); d > 0 {
			want = d + expireMargin
		}
	}
	if got := containerExpiry(Config{}); got != want {
		t.Errorf("expiry = %v, want %v", got, want)
	}
}

func TestRetry(t *testing.T) {
	calls := 0
	err := retry(5*time.Second, func() error {
		calls++
		if calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("retry = %v after %d calls, want nil after 3", err, calls)
	}
	start := time.Now()
	err = retry(300*time.Millisecond, func() error { return errors.New("never") })
	if err == nil || err.Error() != "never" {
		t.Errorf("retry = %v, want the last error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("retry ran %v past a 300ms timeout", d)
	}
}
