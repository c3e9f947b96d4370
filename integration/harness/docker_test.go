package harness

import (
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
		img, ok := images[b]
		if ok != b.hasContainer() {
			t.Errorf("%s: image %v, hasContainer %v", b, ok, b.hasContainer())
		}
		if ok && (img.repo == "" || img.tag == "" || !strings.HasSuffix(img.port, "/tcp")) {
			t.Errorf("%s: incomplete image %+v", b, img)
		}
	}
	if _, _, err := startContainer(nil, SQLite); err == nil {
		t.Error("startContainer(sqlite) did not fail")
	}
}
