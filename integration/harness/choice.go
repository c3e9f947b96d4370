package harness

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Source says where a backend's server comes from.
type Source int

// The sources, in the order they are tried.
const (
	// SourceNone: no server; the test skips, or fails when the backend is required.
	SourceNone Source = iota
	// SourceEnv: the DSN in the backend's environment variable.
	SourceEnv
	// SourceDocker: a container started with dockertest.
	SourceDocker
	// SourceEmbedded: an in-process server (SQLite, or a registered embedded Mongo).
	SourceEmbedded
)

func (s Source) String() string {
	switch s {
	case SourceEnv:
		return "env"
	case SourceDocker:
		return "docker"
	case SourceEmbedded:
		return "embedded"
	}
	return "none"
}

// ErrUnknownBackend is returned by ParseConfig for a name in UNITORM_REQUIRE
// that is not a backend.
var ErrUnknownBackend = errors.New("harness: unknown backend")

// Config is what the environment says about backends.
type Config struct {
	// DSN holds the DSN or URI from each backend's environment variable, if set.
	DSN map[Backend]string
	// Require holds the backends that must be available.
	Require map[Backend]bool
	// NoDocker is set when UNITORM_DOCKER disables the Docker attempt.
	NoDocker bool
	// Image holds the Docker image reference from each backend's image
	// variable (UNITORM_PG_IMAGE, ...), if set.
	Image map[Backend]string
	// Expire is UNITORM_DOCKER_EXPIRE (0: derived from -test.timeout).
	Expire time.Duration
}

// ImageRef is the Docker image used for b: the image variable's, else the
// default (postgres:15, mysql:8, mariadb:10.11, mongo:7); "" for SQLite.
func (cfg Config) ImageRef(b Backend) string {
	img, ok := imageFor(b, cfg)
	if !ok {
		return ""
	}
	return img.ref()
}

// ParseConfig reads the harness's environment variables through getenv
// (os.Getenv in tests that run for real). An unknown name in UNITORM_REQUIRE
// is an error wrapping ErrUnknownBackend, so that a typo cannot quietly turn
// a required backend into an optional one; a malformed image reference or
// expiry is an error too.
func ParseConfig(getenv func(string) string) (Config, error) {
	cfg := Config{DSN: map[Backend]string{}, Require: map[Backend]bool{}, Image: map[Backend]string{}}
	for _, b := range allBackends {
		if v := strings.TrimSpace(getenv(b.EnvVar())); b.EnvVar() != "" && v != "" {
			cfg.DSN[b] = v
		}
		if v := strings.TrimSpace(getenv(b.ImageEnvVar())); b.ImageEnvVar() != "" && v != "" {
			if _, _, err := parseImageRef(v); err != nil {
				return Config{}, fmt.Errorf("harness: %s: %w", b.ImageEnvVar(), err)
			}
			cfg.Image[b] = v
		}
	}
	if v := strings.TrimSpace(getenv(EnvDockerExpire)); v != "" {
		d, err := parseExpire(v)
		if err != nil {
			return Config{}, fmt.Errorf("harness: %s=%q: %w", EnvDockerExpire, v, err)
		}
		cfg.Expire = d
	}
	switch strings.ToLower(strings.TrimSpace(getenv(EnvDocker))) {
	case "0", "false", "no", "off":
		cfg.NoDocker = true
	}
	for _, item := range strings.Split(getenv(EnvRequire), ",") {
		name := strings.ToLower(strings.TrimSpace(item))
		switch {
		case name == "" || name == "none":
		case name == "all":
			for _, b := range allBackends {
				cfg.Require[b] = true
			}
		case Backend(name).Valid():
			cfg.Require[Backend(name)] = true
		default:
			return Config{}, fmt.Errorf("%w %q in %s (known: sqlite, postgres, mysql, mariadb, mongo, all)",
				ErrUnknownBackend, name, EnvRequire)
		}
	}
	return cfg, nil
}

// parseExpire reads a positive Go duration or a number of seconds.
func parseExpire(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		n, nerr := strconv.Atoi(v)
		if nerr != nil {
			return 0, errors.New("want a duration such as 20m, or seconds")
		}
		d = time.Duration(n) * time.Second
	}
	if d < time.Second {
		return 0, errors.New("want at least one second")
	}
	return d, nil
}

// Probes are the facts Choose needs from the machine. Each is called at most
// once per Choose, and only when the earlier sources did not already decide.
type Probes struct {
	// DockerUp reports whether a Docker daemon answers.
	DockerUp func() bool
	// Image makes sure the daemon has b's image (pulling it if need be) and
	// says why not when it cannot; nil means "it has".
	Image func(Backend) error
	// Embedded reports whether an in-process server exists for the backend.
	Embedded func(Backend) bool
}

// Choice is where one backend's server comes from.
type Choice struct {
	Backend  Backend
	Source   Source
	DSN      string // the environment's DSN, for SourceEnv
	Required bool   // a missing server is a failure, not a skip
	// Image is the Docker image tried for b ("" when Docker was not tried):
	// the one that runs for SourceDocker, the one that could not be had
	// otherwise.
	Image string
	// Reason explains the choice; for SourceNone it is the skip (or failure)
	// message and names the environment variable to set.
	Reason string
}

// Choose decides where backend b comes from: the environment's DSN, else a
// Docker container when Docker is allowed, answers and has (or can pull) the
// image, else an embedded server, else none. It has no side effects beyond
// calling the probes.
func Choose(b Backend, cfg Config, p Probes) Choice {
	c := Choice{Backend: b, Required: cfg.Require[b]}
	if dsn := cfg.DSN[b]; dsn != "" {
		c.Source, c.DSN = SourceEnv, dsn
		c.Reason = b.EnvVar() + " is set"
		return c
	}
	dockerNote, noImage := "", false
	if b.hasContainer() {
		switch {
		case cfg.NoDocker:
			dockerNote = "Docker disabled by " + EnvDocker + "=0"
		case p.DockerUp != nil && p.DockerUp():
			c.Image = cfg.ImageRef(b)
			var err error
			if p.Image != nil {
				err = p.Image(b)
			}
			if err == nil {
				c.Source = SourceDocker
				c.Reason = "no " + b.EnvVar() + "; a Docker daemon answers and has " + c.Image
				return c
			}
			noImage = true
			dockerNote = fmt.Sprintf("the Docker daemon answers but image %s cannot be had: %v", c.Image, err)
		default:
			dockerNote = "no Docker daemon answers"
		}
	}
	if p.Embedded != nil && p.Embedded(b) {
		c.Source = SourceEmbedded
		c.Reason = "embedded"
		if dockerNote != "" {
			c.Reason = "embedded (" + dockerNote + ")"
		}
		return c
	}
	c.Source = SourceNone
	var ways []string
	if v := b.EnvVar(); v != "" {
		ways = append(ways, "set "+v+"="+b.exampleDSN())
	}
	switch {
	case noImage:
		ways = append(ways, "set "+b.ImageEnvVar()+" to an image the Docker daemon has ("+dockerNote+")")
	case b.hasContainer():
		ways = append(ways, "start Docker ("+dockerNote+")")
	}
	if b == Mongo {
		ways = append(ways, "register an embedded MongoDB with RegisterEmbeddedMongo")
	}
	if len(ways) == 0 {
		ways = append(ways, "no embedded server is available")
	}
	c.Reason = fmt.Sprintf("harness: no %s server: %s", b, strings.Join(ways, " or "))
	if c.Required {
		c.Reason += fmt.Sprintf("; %s is required by %s", b, EnvRequire)
	}
	return c
}
