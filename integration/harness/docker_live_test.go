package harness

// Tests of the Docker path against a real daemon: they run when Docker
// serves the backend in this test binary (no DSN variable, a daemon that
// answers, an image it has) and skip otherwise. The Docker CI stage
// (.ci/docker-stage) runs them with every backend required.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"github.com/unitorm/unitorm/qb"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	dc "github.com/ory/dockertest/v3/docker"
	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// envChild makes a re-executed test binary run TestDockerChild as a child
// of TestDockerCleanup: "normal" ends normally, "hang" waits to be killed.
const envChild = "UNITORM_HARNESS_CHILD"

// dockerServed skips tb unless Docker serves b in this binary, and returns
// the container's ID.
func dockerServed(tb testing.TB, b Backend) string {
	tb.Helper()
	c, err := ChoiceFor(b)
	if err != nil {
		tb.Fatalf("harness: %s: %v", b, err)
	}
	if c.Source != SourceDocker {
		tb.Skipf("%s is not served by Docker here (%s: %s)", b, c.Source, c.Reason)
	}
	id := ContainerID(b)
	if id == "" {
		tb.Fatalf("%s is served by Docker but has no container ID", b)
	}
	return id
}

// inspect returns the container id, or nil once the daemon no longer has it.
func inspect(tb testing.TB, id string) *dc.Container {
	tb.Helper()
	pool, err := dockerPool()
	if err != nil {
		tb.Fatal(err)
	}
	c, err := pool.Client.InspectContainer(id)
	var gone *dc.NoSuchContainer
	if errors.As(err, &gone) {
		return nil
	}
	if err != nil {
		tb.Fatalf("inspect %s: %v", shortID(id), err)
	}
	return c
}

// waitGone polls until the daemon no longer has container id, for at most d.
func waitGone(tb testing.TB, id string, d time.Duration) (time.Duration, bool) {
	tb.Helper()
	start := time.Now()
	for {
		if inspect(tb, id) == nil {
			return time.Since(start), true
		}
		if time.Since(start) > d {
			return time.Since(start), false
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestDockerContainers checks each backend's container: running the
// configured image, labelled, published on 127.0.0.1 only, one per backend
// and test binary, and serving queries.
func TestDockerContainers(t *testing.T) {
	cfg, err := config()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []Backend{Postgres, MySQL, MariaDB, Mongo} {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			id := dockerServed(t, b)
			c := inspect(t, id)
			if c == nil || !c.State.Running {
				t.Fatalf("container %s of %s is not running: %+v", shortID(id), b, c)
			}
			if got, want := c.Config.Image, cfg.ImageRef(b); got != want {
				t.Errorf("image = %s, want %s", got, want)
			}
			if c.Config.Labels[containerLabel] != string(b) ||
				c.Config.Labels[containerLabelPID] != fmt.Sprint(os.Getpid()) ||
				c.Config.Labels[containerLabelExpire] == "" {
				t.Errorf("labels = %v", c.Config.Labels)
			}
			if !c.HostConfig.AutoRemove {
				t.Error("AutoRemove is off: an expired container would stay behind")
			}
			published := 0
			for port, bindings := range c.NetworkSettings.Ports {
				for _, pb := range bindings {
					published++
					if pb.HostIP != "127.0.0.1" {
						t.Errorf("port %s published on %q, want 127.0.0.1 only", port, pb.HostIP)
					}
				}
			}
			if published != 1 {
				t.Errorf("%d published ports, want 1: %v", published, c.NetworkSettings.Ports)
			}
			// One container per backend and test binary.
			pool, _ := dockerPool()
			list, err := pool.Client.ListContainers(dc.ListContainersOptions{All: true, Filters: map[string][]string{
				"label": {containerLabel + "=" + string(b), containerLabelPID + "=" + fmt.Sprint(os.Getpid())},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != id {
				t.Errorf("containers of %s for this binary: %d, want only %s", b, len(list), shortID(id))
			}
			t.Logf("%s: container %s image %s ports %v", b, shortID(id), c.Config.Image, c.NetworkSettings.Ports)
		})
	}
}

// TestParallelNamespaces runs parallel tests on the one server of each
// backend (under Docker: its one container), each in its own namespace, and
// checks that each sees only its own rows and, under Docker, that no second
// container was started for them.
func TestParallelNamespaces(t *testing.T) {
	const n = 6
	for _, b := range []Backend{Postgres, MySQL, MariaDB, Mongo} {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			id := ContainerID(b) // "" when b is not served by Docker
			for i := range n {
				t.Run(fmt.Sprint(i), func(t *testing.T) {
					t.Parallel()
					mark := fmt.Sprintf("%s-%d", b, i)
					if b == Mongo {
						checkMongoNamespace(t, mark)
					} else {
						checkSQLNamespace(t, b, mark)
					}
				})
			}
			t.Cleanup(func() {
				if got := ContainerID(b); got != id {
					t.Errorf("container changed from %s to %s", shortID(id), shortID(got))
				}
			})
		})
	}
}

func checkSQLNamespace(t *testing.T, b Backend, mark string) {
	db := DB(t, b)
	ctx := t.Context()
	if _, err := db.ExecContext(ctx, "CREATE TABLE mark (v VARCHAR(40) NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := qb.Exec(ctx, db, qb.Raw("INSERT INTO mark (v) VALUES (?)", mark)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	if err := qb.Scan(ctx, db, qb.Raw("SELECT DISTINCT v FROM mark"), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != mark {
		t.Errorf("namespace holds %v, want only %s", got, mark)
	}
}

func checkMongoNamespace(t *testing.T, mark string) {
	tg := MongoDB(t)
	ctx := t.Context()
	client, err := mongodrv.Connect(options.Client().ApplyURI(tg.URI))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	coll := client.Database(tg.Database).Collection("mark")
	for range 3 {
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "v", Value: mark}}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	if err := coll.Distinct(ctx, "v", bson.D{}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != mark {
		t.Errorf("database holds %v, want only %s", got, mark)
	}
}

// TestDockerReadinessTimeout starts an image that never serves the port the
// harness waits on, and checks that the wait ends in an error naming the
// image and that the container is removed.
func TestDockerReadinessTimeout(t *testing.T) {
	dockerServed(t, Mongo)
	cfg, _ := config()
	img, _ := imageFor(Mongo, cfg)
	// The Mongo image, waited on as if it were PostgreSQL on 5432.
	img.port, img.env, img.cmd = "5432/tcp", nil, defaultImages[Mongo].cmd
	const ready = 4 * time.Second
	pool, _ := dockerPool()
	start := time.Now()
	c, err := startContainer(pool, Postgres, img, time.Minute, ready)
	if err == nil {
		_ = c.remove()
		t.Fatal("startContainer succeeded on a port nothing serves")
	}
	if d := time.Since(start); d > time.Minute {
		t.Errorf("gave up after %v, want about %v", d, ready)
	}
	if !strings.Contains(err.Error(), "did not become ready") || !strings.Contains(err.Error(), img.ref()) {
		t.Errorf("error %q does not say which image did not become ready", err)
	}
	t.Logf("error: %v", err)
	list, err := pool.Client.ListContainers(dc.ListContainersOptions{All: true, Filters: map[string][]string{
		"label": {containerLabel + "=" + string(Postgres), containerLabelPID + "=" + fmt.Sprint(os.Getpid())},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range list {
		if l.ID != ContainerID(Postgres) {
			if _, ok := waitGone(t, l.ID, 20*time.Second); !ok {
				t.Errorf("container %s of the failed start was not removed", shortID(l.ID))
			}
		}
	}
}

// TestDockerCleanup runs this test binary again as a child that starts a
// PostgreSQL container, and checks that the container is gone right after a
// normal end (harness.Main removes it) and, for a child killed with
// SIGKILL, that it outlives the child and is gone after its expiry (the
// daemon stops it, then removes it).
func TestDockerCleanup(t *testing.T) {
	dockerServed(t, Postgres)
	const expire = 20 * time.Second
	t.Run("normal end", func(t *testing.T) {
		t.Parallel()
		cmd, id := startChild(t, "normal", expire)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
		if d, ok := waitGone(t, id, 15*time.Second); !ok {
			t.Errorf("container %s still there %v after the child ended", shortID(id), d)
		} else {
			t.Logf("container %s gone %v after the child ended", shortID(id), d.Round(time.Millisecond))
		}
	})
	t.Run("killed", func(t *testing.T) {
		t.Parallel()
		cmd, id := startChild(t, "hang", expire)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		killed := time.Now()
		if c := inspect(t, id); c == nil || !c.State.Running {
			t.Fatalf("container %s is not running right after the kill: the test proves nothing", shortID(id))
		}
		d, ok := waitGone(t, id, expire+time.Minute)
		if !ok {
			t.Fatalf("orphan %s still there %v after its test binary was killed (expiry %v)", shortID(id), d, expire)
		}
		t.Logf("orphan %s gone %v after its test binary was killed (expiry %v from its start)",
			shortID(id), time.Since(killed).Round(time.Second), expire)
	})
}

// startChild runs this test binary's TestDockerChild in the given mode with
// Docker as PostgreSQL's only possible source, and returns once the child
// printed its container's ID.
func startChild(t *testing.T, mode string, expire time.Duration) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDockerChild$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), envChild+"="+mode, EnvPostgresDSN+"=", EnvRequire+"=postgres",
		EnvDockerExpire+"="+expire.String())
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	ids := make(chan string, 1)
	var drain sync.WaitGroup
	drain.Add(1)
	go func() {
		defer drain.Done()
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "child-container "); ok {
				ids <- id
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	t.Cleanup(drain.Wait)
	select {
	case id := <-ids:
		t.Logf("child %d (%s) runs container %s", cmd.Process.Pid, mode, shortID(id))
		return cmd, id
	case <-time.After(3 * time.Minute):
		t.Fatalf("child (%s) printed no container ID", mode)
		return nil, ""
	}
}

// TestDockerChild is the child of TestDockerCleanup; run directly it does
// nothing.
func TestDockerChild(t *testing.T) {
	mode := os.Getenv(envChild)
	if mode == "" {
		return
	}
	db := DB(t, Postgres)
	var one int
	if err := db.QueryRowContext(t.Context(), "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("child-container %s\n", ContainerID(Postgres))
	if mode == "hang" {
		time.Sleep(4 * time.Minute) // killed by the parent long before
	}
}
