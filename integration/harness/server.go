package harness

import (
	"github.com/unitorm/unitorm/internal/testkit"

	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ory/dockertest/v3"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/unitorm/unitorm/sqldb"
)

// server is one backend's server for the life of the test binary.
type server struct {
	once   sync.Once
	choice Choice
	dsn    string     // base DSN or URI (the environment's, the container's or the embedded one's)
	ctr    *container // the container, for SourceDocker
	err    error      // starting or reaching the server failed

	adminOnce sync.Once
	admin     *sqldb.DB        // SQL: creates and drops namespaces
	mongo     *mongodrv.Client // Mongo: drops databases
	adminErr  error
}

// process holds what the test binary shares: the configuration, the Docker
// pool, the servers and what Main must undo.
var process struct {
	cfgOnce sync.Once
	cfg     Config
	cfgErr  error

	dockerOnce sync.Once
	docker     *dockertest.Pool
	dockerErr  error

	mu      sync.Mutex
	servers map[Backend]*server
	stops   []func() error // run by Main in reverse order

	embeddedMongo func(ctx context.Context) (uri string, stop func(), err error)
}

// RegisterEmbeddedMongo registers a function that starts an in-process
// MongoDB-compatible server (FerretDB) and returns its URI and a function
// stopping it. It is used for Mongo when neither UNITORM_MONGO_URI nor Docker
// provides a server, started at most once per test binary and stopped by
// Main. Call it before the first test asks for Mongo, e.g. from TestMain.
func RegisterEmbeddedMongo(start func(ctx context.Context) (uri string, stop func(), err error)) {
	process.mu.Lock()
	defer process.mu.Unlock()
	process.embeddedMongo = start
}

func config() (Config, error) {
	process.cfgOnce.Do(func() { process.cfg, process.cfgErr = ParseConfig(os.Getenv) })
	return process.cfg, process.cfgErr
}

func dockerPool() (*dockertest.Pool, error) {
	process.dockerOnce.Do(func() { process.docker, process.dockerErr = newDockerPool() })
	return process.docker, process.dockerErr
}

func embeddedAvailable(b Backend) bool {
	switch b {
	case SQLite:
		return true
	case Mongo:
		process.mu.Lock()
		defer process.mu.Unlock()
		return process.embeddedMongo != nil
	}
	return false
}

func addStop(f func() error) {
	process.mu.Lock()
	defer process.mu.Unlock()
	process.stops = append(process.stops, f)
}

// lookup returns b's server, choosing and starting it on first use.
func lookup(b Backend) (*server, error) {
	cfg, err := config()
	if err != nil {
		return nil, err
	}
	process.mu.Lock()
	if process.servers == nil {
		process.servers = map[Backend]*server{}
	}
	s := process.servers[b]
	if s == nil {
		s = &server{}
		process.servers[b] = s
	}
	process.mu.Unlock()
	s.once.Do(func() { s.start(b, cfg) })
	return s, nil
}

func (s *server) start(b Backend, cfg Config) {
	s.choice = Choose(b, cfg, Probes{
		DockerUp: func() bool { _, err := dockerPool(); return err == nil },
		Image: func(b Backend) error {
			pool, err := dockerPool()
			if err != nil {
				return err
			}
			img, _ := imageFor(b, cfg)
			return ensureImage(pool, img)
		},
		Embedded: embeddedAvailable,
	})
	switch s.choice.Source {
	case SourceEnv:
		s.dsn = s.choice.DSN
	case SourceDocker:
		pool, _ := dockerPool()
		img, _ := imageFor(b, cfg)
		expire := containerExpiry(cfg)
		c, err := startContainer(pool, b, img, expire, dockerReadyTimeout)
		if err != nil {
			s.err = fmt.Errorf("%w (set %s to a server, or %s=0 to skip Docker)", err, b.EnvVar(), EnvDocker)
			logf("%s: %v", b, s.err)
			return
		}
		logf("%s: container %s (%s) on %s, ready in %.1fs, expires in %v",
			b, shortID(c.id), c.image, c.addr, c.ready.Seconds(), expire)
		addStop(func() error {
			err := c.remove()
			if err == nil {
				logf("%s: removed container %s (%s)", b, shortID(c.id), c.image)
			}
			return err
		})
		s.ctr, s.dsn = c, c.dsn
	case SourceEmbedded:
		if s.choice.Image != "" {
			logf("%s: %s", b, s.choice.Reason)
		}
		if b == Mongo {
			s.startEmbeddedMongo()
		}
	}
}

// logf writes one line about the harness's servers to standard error,
// where go test shows it for a failing package or with -v (-json too).
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "harness: "+format+"\n", args...)
}

func (s *server) startEmbeddedMongo() {
	process.mu.Lock()
	start := process.embeddedMongo
	process.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	uri, stop, err := start(ctx)
	if err != nil {
		s.err = fmt.Errorf("harness: start embedded mongo: %w", err)
		return
	}
	if stop != nil {
		addStop(func() error { stop(); return nil })
	}
	s.dsn = uri
}

// acquire returns b's server for tb, skipping tb when there is none and
// failing it when there is none but b is required, or when the server
// cannot be started or reached.
func acquire(tb testing.TB, b Backend) *server {
	tb.Helper()
	if !b.Valid() {
		tb.Fatalf("harness: unknown backend %q", b)
	}
	s, err := lookup(b)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	if s.choice.Source == SourceNone {
		if s.choice.Required {
			tb.Fatalf("%s", s.choice.Reason)
		}
		tb.Skip(s.choice.Reason)
	}
	if s.err != nil {
		tb.Fatalf("harness: %s (%s): %v", b, s.choice.Source, s.err)
	}
	return s
}

// ChoiceFor reports where b's server comes from in this test binary, choosing
// (and starting) it if no test has asked for it yet.
func ChoiceFor(b Backend) (Choice, error) {
	if !b.Valid() {
		return Choice{}, fmt.Errorf("%w %q", ErrUnknownBackend, b)
	}
	s, err := lookup(b)
	if err != nil {
		return Choice{}, err
	}
	return s.choice, s.err
}

// ContainerID is the ID of the Docker container serving b in this test
// binary, "" when b is not served by a container. Like ChoiceFor, it chooses
// (and starts) b's server if no test has asked for it yet.
func ContainerID(b Backend) string {
	if !b.Valid() {
		return ""
	}
	s, err := lookup(b)
	if err != nil || s.ctr == nil {
		return ""
	}
	return s.ctr.id
}

// Main runs the tests and then closes the harness's connections, removes the
// containers it started and stops embedded servers, before exiting with the
// tests' status. Call it from TestMain.
func Main(m *testing.M) {
	testkit.Use(suiteProvider{})
	applyTestKnobs()
	code := m.Run()
	if err := shutdown(); err != nil {
		// A container left behind is worth a warning, not a failed run:
		// AutoRemove deletes it once the daemon sees it stopped.
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// shutdown undoes everything the harness started, in reverse order.
func shutdown() error {
	process.mu.Lock()
	servers := process.servers
	stops := process.stops
	process.servers, process.stops = nil, nil
	process.mu.Unlock()
	var errs []error
	for _, s := range servers {
		if s.admin != nil {
			errs = append(errs, s.admin.Close())
		}
		if s.mongo != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			errs = append(errs, s.mongo.Disconnect(ctx))
			cancel()
		}
	}
	for i := len(stops) - 1; i >= 0; i-- {
		errs = append(errs, stops[i]())
	}
	return joinErrs("harness: shutdown", errs)
}

// joinErrs joins the non-nil errors under a prefix; nil when there are none.
func joinErrs(prefix string, errs []error) error {
	var kept []error
	for _, err := range errs {
		if err != nil {
			kept = append(kept, err)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %w", prefix, errors.Join(kept...))
}
