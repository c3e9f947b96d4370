package harness

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/ory/dockertest/v3"
	dc "github.com/ory/dockertest/v3/docker"
	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm/driver"
)

// dockerProbeTimeout bounds the daemon ping, so that a machine without Docker
// costs the test binary no more than this once.
const dockerProbeTimeout = 3 * time.Second

// dockerPullTimeout bounds pulling one image that the daemon does not have.
const dockerPullTimeout = 10 * time.Minute

// dockerReadyTimeout bounds the wait for a started container to accept
// connections (image pulls happen before it and are not counted).
const dockerReadyTimeout = 3 * time.Minute

// defaultExpire is how long a container may outlive its test binary when the
// binary runs without -test.timeout (go test passes 10m by default) and
// UNITORM_DOCKER_EXPIRE is unset.
const defaultExpire = 2 * time.Hour

// expireMargin is added to the binary's -test.timeout to make the expiry.
const expireMargin = 5 * time.Minute

// Labels on every container the harness starts, so that containers of a
// killed test binary can be found with
// docker ps -a --filter label=org.unitorm.harness.
const (
	containerLabel       = "org.unitorm.harness"         // the backend
	containerLabelPID    = "org.unitorm.harness.pid"     // the test binary's process ID
	containerLabelExpire = "org.unitorm.harness.expires" // when the daemon kills it (RFC 3339)
)

// image is the Docker image and start-up configuration of one backend. The
// environment and command are those of the official images; the images that
// integration/images/build.sh builds take the same.
type image struct {
	repo, tag string
	env       []string
	cmd       []string
	port      string // container port, e.g. "5432/tcp"
}

// ref is the image reference, repo:tag.
func (img image) ref() string { return img.repo + ":" + img.tag }

var defaultImages = map[Backend]image{
	Postgres: {repo: "postgres", tag: "15", port: "5432/tcp",
		env: []string{"POSTGRES_HOST_AUTH_METHOD=trust", "POSTGRES_DB=test"}},
	MySQL: {repo: "mysql", tag: "8", port: "3306/tcp",
		env: []string{"MYSQL_ALLOW_EMPTY_PASSWORD=yes", "MYSQL_DATABASE=test"}},
	MariaDB: {repo: "mariadb", tag: "10.11", port: "3306/tcp",
		env: []string{"MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1", "MARIADB_DATABASE=test"}},
	Mongo: {repo: "mongo", tag: "7", port: "27017/tcp",
		cmd: []string{"--replSet", "rs0", "--bind_ip_all"}},
}

// imageFor is b's image: the default with the repository and tag replaced by
// the one in the backend's image variable, if set. ok is false for a backend
// without containers (SQLite).
func imageFor(b Backend, cfg Config) (img image, ok bool) {
	img, ok = defaultImages[b]
	if !ok {
		return image{}, false
	}
	if ref := cfg.Image[b]; ref != "" {
		// ParseConfig validated it.
		img.repo, img.tag, _ = parseImageRef(ref)
	}
	return img, true
}

// parseImageRef splits "repo[:tag]" ("latest" when no tag); the repository may
// name a registry with a port (localhost:5000/pg:15). Digests are not
// supported: dockertest runs images by repository and tag.
func parseImageRef(ref string) (repo, tag string, err error) {
	ref = strings.TrimSpace(ref)
	switch {
	case ref == "":
		return "", "", errors.New("empty image reference")
	case strings.Contains(ref, "@"):
		return "", "", fmt.Errorf("image %q: digests are not supported, give repository:tag", ref)
	case strings.ContainsAny(ref, " \t\n"):
		return "", "", fmt.Errorf("image %q contains white space", ref)
	}
	repo, tag = ref, "latest"
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		repo, tag = ref[:i], ref[i+1:]
	}
	if repo == "" || tag == "" || strings.HasSuffix(repo, "/") {
		return "", "", fmt.Errorf("image %q is not repository[:tag]", ref)
	}
	return repo, tag, nil
}

// newDockerPool connects to the Docker daemon named by DOCKER_HOST (or the
// platform default) and pings it. It returns an error when no daemon answers
// within dockerProbeTimeout.
func newDockerPool() (*dockertest.Pool, error) {
	pool, err := dockertest.NewPool("")
	if err != nil {
		return nil, fmt.Errorf("harness: docker client: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), dockerProbeTimeout)
	defer cancel()
	if err := pool.Client.PingWithContext(ctx); err != nil {
		return nil, fmt.Errorf("harness: docker daemon: %w", err)
	}
	pool.MaxWait = dockerReadyTimeout
	return pool, nil
}

// ensureImage makes sure the daemon has img: it is there already, or it is
// pulled now. The error says which image could not be had and why (on a
// machine without a registry: the daemon's "no such host").
func ensureImage(pool *dockertest.Pool, img image) error {
	if _, err := pool.Client.InspectImage(img.ref()); err == nil {
		return nil
	} else if !errors.Is(err, dc.ErrNoSuchImage) {
		return fmt.Errorf("inspect %s: %w", img.ref(), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), dockerPullTimeout)
	defer cancel()
	err := pool.Client.PullImage(dc.PullImageOptions{
		Repository: img.repo, Tag: img.tag, Context: ctx, InactivityTimeout: time.Minute,
	}, dc.AuthConfiguration{})
	if err != nil {
		return fmt.Errorf("%s is not on the Docker daemon and cannot be pulled: %w", img.ref(), err)
	}
	return nil
}

// container is one running container of the harness.
type container struct {
	id    string
	image string        // repo:tag
	dsn   string        // reaches the server (for Mongo, a URI)
	addr  string        // host:port where its port is published
	ready time.Duration // from start to the first successful connection
	// remove deletes the container; it is not an error when the daemon
	// already did (AutoRemove after the expiry).
	remove func() error
}

// startContainer runs img for backend b, published on the loopback address
// only, waits (at most readyTimeout) until the server accepts connections
// and returns it. The
// daemon kills the container after expire even if the test binary dies
// first (dockertest's Expire: a stop whose signal the servers ignore,
// followed by SIGKILL), and removes it once it stops (AutoRemove).
func startContainer(pool *dockertest.Pool, b Backend, img image, expire, readyTimeout time.Duration) (*container, error) {
	if _, ok := defaultImages[b]; !ok || pool == nil {
		return nil, fmt.Errorf("harness: no Docker image for %s", b)
	}
	dockerHost := os.Getenv("DOCKER_HOST")
	bindIP := "127.0.0.1"
	if remoteDaemon(dockerHost) {
		// A remote daemon's loopback address is out of reach.
		bindIP = ""
	}
	deadline := time.Now().Add(expire)
	started := time.Now()
	res, err := pool.RunWithOptions(&dockertest.RunOptions{
		Repository:   img.repo,
		Tag:          img.tag,
		Env:          img.env,
		Cmd:          img.cmd,
		ExposedPorts: []string{img.port},
		PortBindings: map[dc.Port][]dc.PortBinding{dc.Port(img.port): {{HostIP: bindIP, HostPort: ""}}},
		Labels: map[string]string{
			containerLabel:       string(b),
			containerLabelPID:    strconv.Itoa(os.Getpid()),
			containerLabelExpire: deadline.UTC().Format(time.RFC3339),
		},
	}, func(hc *dc.HostConfig) {
		// Only the server's port, and only where bindIP says; other
		// ports an image exposes stay unpublished.
		hc.PublishAllPorts = false
		// Removed by the daemon once stopped, even if Main never runs.
		hc.AutoRemove = true
		hc.RestartPolicy = dc.NeverRestart()
	})
	if err != nil {
		return nil, fmt.Errorf("harness: start %s: %w", img.ref(), err)
	}
	c := &container{id: res.Container.ID, image: img.ref()}
	c.remove = func() error { return removeContainer(pool, c.id) }
	if err := res.Expire(uint(expire / time.Second)); err != nil {
		_ = c.remove()
		return nil, fmt.Errorf("harness: expire %s: %w", shortID(c.id), err)
	}
	c.addr = publishedAddr(res, img.port, dockerHost)
	if c.addr == "" {
		_ = c.remove()
		return nil, fmt.Errorf("harness: %s (container %s) publishes no port %s", img.ref(), shortID(c.id), img.port)
	}
	switch b {
	case Postgres:
		u := url.URL{Scheme: "postgres", User: url.User("postgres"), Host: c.addr, Path: "/test",
			RawQuery: "sslmode=disable"}
		c.dsn = u.String()
		err = retry(readyTimeout, func() error { return pingSQL(b, c.dsn) })
	case MySQL, MariaDB:
		cfg := mysql.NewConfig()
		cfg.User, cfg.Net, cfg.Addr, cfg.DBName = "root", "tcp", c.addr, "test"
		c.dsn = cfg.FormatDSN()
		err = retry(readyTimeout, func() error { return pingSQL(b, c.dsn) })
	case Mongo:
		// The replica set's only member names itself by its address inside
		// the container; clients outside reach it with directConnection.
		uri := "mongodb://" + c.addr + "/?directConnection=true"
		standalone := false
		err = retry(readyTimeout, func() (err error) { standalone, err = initiateReplicaSet(uri); return err })
		c.dsn = uri
		if standalone {
			// No replica set to discover: the plain form, to which a
			// database name can be appended.
			c.dsn = "mongodb://" + c.addr + "/"
		}
	}
	if err != nil {
		_ = c.remove()
		return nil, fmt.Errorf("harness: %s (container %s) did not become ready within %v: %w",
			img.ref(), shortID(c.id), readyTimeout, err)
	}
	c.ready = time.Since(started)
	return c, nil
}

// retry runs op until it succeeds or timeout has passed, waiting 100ms
// after the first failure and doubling the wait up to 2s. (dockertest's
// Pool.Retry reads the pool's MaxWait, which concurrent starts would share.)
func retry(timeout time.Duration, op func() error) error {
	deadline := time.Now().Add(timeout)
	wait := 100 * time.Millisecond
	for {
		err := op()
		if err == nil {
			return nil
		}
		if time.Now().Add(wait).After(deadline) {
			return err
		}
		time.Sleep(wait)
		wait = min(2*wait, 2*time.Second)
	}
}

// removeContainer force-removes the container id with its volumes; a
// container the daemon already removed, or is removing, is not an error.
func removeContainer(pool *dockertest.Pool, id string) error {
	err := pool.Client.RemoveContainer(dc.RemoveContainerOptions{ID: id, Force: true, RemoveVolumes: true})
	var gone *dc.NoSuchContainer
	if err == nil || errors.As(err, &gone) || strings.Contains(err.Error(), "already in progress") {
		return nil
	}
	return fmt.Errorf("harness: remove container %s: %w", shortID(id), err)
}

// containerExpiry is how long a container may outlive the test binary:
// UNITORM_DOCKER_EXPIRE if set, else the binary's -test.timeout plus
// expireMargin, else defaultExpire.
func containerExpiry(cfg Config) time.Duration {
	if cfg.Expire > 0 {
		return cfg.Expire
	}
	if f := flag.Lookup("test.timeout"); f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			if d, ok := g.Get().(time.Duration); ok && d > 0 {
				return d + expireMargin
			}
		}
	}
	return defaultExpire
}

// shortID is the 12-digit form docker ps shows.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// remoteDaemon reports whether DOCKER_HOST names a TCP daemon on another host.
func remoteDaemon(dockerHost string) bool {
	u, err := url.Parse(dockerHost)
	if err != nil || u.Scheme != "tcp" {
		return false
	}
	switch h := u.Hostname(); h {
	case "", "localhost":
		return false
	default:
		ip := net.ParseIP(h)
		return ip == nil || !ip.IsLoopback()
	}
}

// pingSQL opens dsn (sqldb.Open pings) and closes it again.
func pingSQL(b Backend, dsn string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := driver.OpenDB(ctx, b.Driver(), dsn)
	if err != nil {
		return err
	}
	return db.Close()
}

// Server error codes meaning "no replica sets here": CommandNotFound,
// NoReplicationEnabled, CommandNotSupported, NotImplemented.
var standaloneCodes = map[int32]bool{59: true, 76: true, 115: true, 238: true}

// initiateReplicaSet turns a mongod started with --replSet rs0 into a
// one-member replica set (ignoring "already initialized") and succeeds once
// that member is a writable primary, so that transactions work. A server
// without replica sets (FerretDB, or mongod without --replSet) is used as it
// is once it answers; standalone reports that.
func initiateReplicaSet(uri string) (standalone bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := mongodrv.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(5 * time.Second))
	if err != nil {
		return false, err
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	admin := client.Database("admin")
	initiate := bson.D{{Key: "replSetInitiate", Value: bson.D{
		{Key: "_id", Value: "rs0"},
		{Key: "members", Value: bson.A{bson.D{{Key: "_id", Value: 0}, {Key: "host", Value: "localhost:27017"}}}},
	}}}
	if err := admin.RunCommand(ctx, initiate).Err(); err != nil {
		var ce mongodrv.CommandError
		// 23 AlreadyInitialized: a previous attempt got through.
		if !errors.As(err, &ce) || (ce.Code != 23 && !standaloneCodes[ce.Code]) {
			return false, err
		}
		standalone = standaloneCodes[ce.Code]
	}
	var hello struct {
		IsWritablePrimary bool `bson:"isWritablePrimary"`
	}
	if err := admin.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return false, err
	}
	if !hello.IsWritablePrimary {
		return false, errors.New("harness: mongo replica set has no primary yet")
	}
	return standalone, nil
}

// publishedAddr is the host:port where the container's port is published:
// the bound address, or for a wildcard binding 127.0.0.1 when the daemon is
// local and the daemon's host when DOCKER_HOST points at a remote TCP daemon.
func publishedAddr(res *dockertest.Resource, port, dockerHost string) string {
	hostPort := res.GetPort(port)
	if hostPort == "" {
		return ""
	}
	return net.JoinHostPort(publishedHost(res.GetBoundIP(port), dockerHost), hostPort)
}

// publishedHost picks the address to dial for a port bound to ip
// ("localhost" is what dockertest reports for a wildcard binding).
func publishedHost(ip, dockerHost string) string {
	if ip != "localhost" && ip != "" && ip != "0.0.0.0" && ip != "::" {
		return ip
	}
	if u, err := url.Parse(dockerHost); err == nil && u.Scheme == "tcp" && u.Hostname() != "" {
		return u.Hostname()
	}
	return "127.0.0.1"
}
