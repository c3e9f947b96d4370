package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/ory/dockertest/v3"
	dc "github.com/ory/dockertest/v3/docker"
	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/unitorm/unitorm/sqldb"
)

// dockerProbeTimeout bounds the daemon ping, so that a machine without Docker
// costs the test binary no more than this once.
const dockerProbeTimeout = 3 * time.Second

// dockerReadyTimeout bounds the wait for a started container to accept
// connections (image pulls happen before it and are not counted).
const dockerReadyTimeout = 3 * time.Minute

// containerLabel marks every container the harness starts, so that leftovers
// of a killed test binary can be found with
// docker ps -a --filter label=org.unitorm.harness.
const containerLabel = "org.unitorm.harness"

// image is the Docker image and start-up configuration of one backend.
type image struct {
	repo, tag string
	env       []string
	cmd       []string
	port      string // container port, e.g. "5432/tcp"
}

var images = map[Backend]image{
	Postgres: {repo: "postgres", tag: "15", port: "5432/tcp",
		env: []string{"POSTGRES_HOST_AUTH_METHOD=trust", "POSTGRES_DB=test"}},
	MySQL: {repo: "mysql", tag: "8", port: "3306/tcp",
		env: []string{"MYSQL_ALLOW_EMPTY_PASSWORD=yes", "MYSQL_DATABASE=test"}},
	MariaDB: {repo: "mariadb", tag: "10.11", port: "3306/tcp",
		env: []string{"MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1", "MARIADB_DATABASE=test"}},
	Mongo: {repo: "mongo", tag: "7", port: "27017/tcp",
		cmd: []string{"--replSet", "rs0", "--bind_ip_all"}},
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

// startContainer runs b's image, waits until the server accepts connections
// and returns the DSN (or URI) that reaches it and a function removing the
// container.
func startContainer(pool *dockertest.Pool, b Backend) (dsn string, stop func() error, err error) {
	img, ok := images[b]
	if !ok {
		return "", nil, fmt.Errorf("harness: no Docker image for %s", b)
	}
	res, err := pool.RunWithOptions(&dockertest.RunOptions{
		Repository: img.repo,
		Tag:        img.tag,
		Env:        img.env,
		Cmd:        img.cmd,
		Labels:     map[string]string{containerLabel: string(b)},
	}, func(hc *dc.HostConfig) {
		// Removed by the daemon once stopped, even if Main never runs.
		hc.AutoRemove = true
		hc.RestartPolicy = dc.NeverRestart()
	})
	if err != nil {
		return "", nil, fmt.Errorf("harness: start %s:%s: %w", img.repo, img.tag, err)
	}
	stop = func() error { return pool.Purge(res) }
	hostPort := publishedAddr(res, img.port, os.Getenv("DOCKER_HOST"))
	if hostPort == "" {
		_ = stop()
		return "", nil, fmt.Errorf("harness: %s:%s publishes no port %s", img.repo, img.tag, img.port)
	}
	switch b {
	case Postgres:
		u := url.URL{Scheme: "postgres", User: url.User("postgres"), Host: hostPort, Path: "/test",
			RawQuery: "sslmode=disable"}
		dsn = u.String()
		err = pool.Retry(func() error { return pingSQL(b, dsn) })
	case MySQL, MariaDB:
		cfg := mysql.NewConfig()
		cfg.User, cfg.Net, cfg.Addr, cfg.DBName = "root", "tcp", hostPort, "test"
		dsn = cfg.FormatDSN()
		err = pool.Retry(func() error { return pingSQL(b, dsn) })
	case Mongo:
		// The replica set's only member names itself by its address inside
		// the container; clients outside reach it with directConnection.
		dsn = "mongodb://" + hostPort + "/?directConnection=true"
		err = pool.Retry(func() error { return initiateReplicaSet(dsn) })
	}
	if err != nil {
		_ = stop()
		return "", nil, fmt.Errorf("harness: %s:%s did not become ready: %w", img.repo, img.tag, err)
	}
	return dsn, stop, nil
}

// pingSQL opens dsn (sqldb.Open pings) and closes it again.
func pingSQL(b Backend, dsn string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sqldb.Open(ctx, b.Driver(), dsn)
	if err != nil {
		return err
	}
	return db.Close()
}

// initiateReplicaSet turns a mongod started with --replSet rs0 into a
// one-member replica set (ignoring "already initialized") and succeeds once
// that member is a writable primary, so that transactions work.
func initiateReplicaSet(uri string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := mongodrv.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(5 * time.Second))
	if err != nil {
		return err
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
		if !errors.As(err, &ce) || ce.Code != 23 {
			return err
		}
	}
	var hello struct {
		IsWritablePrimary bool `bson:"isWritablePrimary"`
	}
	if err := admin.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return err
	}
	if !hello.IsWritablePrimary {
		return errors.New("harness: mongo replica set has no primary yet")
	}
	return nil
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
	if ip != "localhost" && ip != "" {
		return ip
	}
	if u, err := url.Parse(dockerHost); err == nil && u.Scheme == "tcp" && u.Hostname() != "" {
		return u.Hostname()
	}
	return "127.0.0.1"
}
