package testkit

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // readiness checks
	_ "github.com/jackc/pgx/v5/stdlib" // readiness checks
)

// PrivateServer is a PostgreSQL or MariaDB server of one test's own, run
// from the binaries installed on the machine, on a free loopback port, with
// its data in a temporary directory. Tests that stop or restart a server
// (something they must never do to the shared one) use it. Every process it
// starts is stopped by its PID when the test ends.
type PrivateServer struct {
	Backend Backend
	// DSN reaches database test on the server, in the form the backend's
	// driver takes.
	DSN string

	tb   testing.TB
	dir  string
	port int
	cred *syscall.Credential
	cmd  *exec.Cmd
	done chan struct{}
}

// Binaries of the installed servers.
var (
	pgBinDir     = "/usr/lib/postgresql/15/bin"
	mariadbd     = "/usr/sbin/mariadbd"
	mariaInstall = "/usr/bin/mariadb-install-db"
)

// StartPrivate starts a private server for b (Postgres or MariaDB; MySQL is
// served by MariaDB here) and waits until it answers. When the binaries are
// missing the test is skipped, or fails when b is required.
func StartPrivate(tb testing.TB, b Backend) *PrivateServer {
	tb.Helper()
	if b == MySQL {
		b = MariaDB
	}
	s := &PrivateServer{Backend: b, tb: tb}
	var need string
	switch b {
	case Postgres:
		need = filepath.Join(pgBinDir, "postgres")
	case MariaDB:
		need = mariadbd
	default:
		tb.Fatalf("testkit: no private server for %s", b)
	}
	if _, err := os.Stat(need); err != nil {
		unavailable(tb, b, fmt.Errorf("no private server: %w", err))
	}
	dir, err := os.MkdirTemp("", "unitorm-private-"+string(b)+"-")
	if err != nil {
		tb.Fatal(err)
	}
	s.dir = dir
	tb.Cleanup(func() {
		s.Stop()
		_ = os.RemoveAll(dir)
	})
	s.port = freePort(tb)
	switch b {
	case Postgres:
		s.initPostgres()
		s.DSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/test?sslmode=disable", s.port)
	case MariaDB:
		s.initMariaDB()
		s.DSN = fmt.Sprintf("root@tcp(127.0.0.1:%d)/test", s.port)
	}
	s.Start()
	s.exec("CREATE DATABASE test", s.adminDSN())
	return s
}

// unavailable skips tb or, when b is required, fails it.
func unavailable(tb testing.TB, b Backend, err error) {
	tb.Helper()
	if Required(b) {
		tb.Fatalf("testkit: %s is required: %v", b, err)
	}
	tb.Skipf("testkit: %s: %v", b, err)
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// initPostgres runs initdb. PostgreSQL refuses to run as root, so a root
// test runs it as the postgres user, which then owns the directory.
func (s *PrivateServer) initPostgres() {
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			s.tb.Fatalf("testkit: PostgreSQL cannot run as root and there is no postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(s.dir, uid, gid); err != nil {
			s.tb.Fatal(err)
		}
	}
	s.run(filepath.Join(pgBinDir, "initdb"), "-D", filepath.Join(s.dir, "data"),
		"-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions")
}

func (s *PrivateServer) initMariaDB() {
	// A temporary directory of its own: servers sharing /tmp have removed
	// each other's temporary tables there while the system tables were
	// being created.
	if err := os.Mkdir(s.tmpDir(), 0o700); err != nil {
		s.tb.Fatal(err)
	}
	args := []string{"--no-defaults", "--datadir=" + filepath.Join(s.dir, "data"), "--tmpdir=" + s.tmpDir(),
		"--auth-root-authentication-method=normal", "--skip-test-db"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	s.run(mariaInstall, args...)
}

func (s *PrivateServer) tmpDir() string { return filepath.Join(s.dir, "tmp") }

// run runs a setup command to completion.
func (s *PrivateServer) run(name string, args ...string) {
	s.tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	cmd.Dir = s.dir
	if s.Backend == MariaDB {
		cmd.Env = append(os.Environ(), "TMPDIR="+s.tmpDir())
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		s.tb.Fatalf("testkit: %s: %v\n%s", filepath.Base(name), err, out)
	}
}

// Start starts the server (again, after Stop) on its port and waits until
// it answers.
func (s *PrivateServer) Start() {
	s.tb.Helper()
	if s.cmd != nil {
		s.tb.Fatal("testkit: private server already running")
	}
	var cmd *exec.Cmd
	switch s.Backend {
	case Postgres:
		cmd = exec.Command(filepath.Join(pgBinDir, "postgres"), "-D", filepath.Join(s.dir, "data"),
			"-p", strconv.Itoa(s.port), "-c", "listen_addresses=127.0.0.1",
			"-c", "unix_socket_directories="+s.dir, "-c", "fsync=off",
			"-c", "shared_buffers=16MB", "-c", "max_connections=50")
	case MariaDB:
		args := []string{"--no-defaults", "--datadir=" + filepath.Join(s.dir, "data"),
			"--port=" + strconv.Itoa(s.port), "--bind-address=127.0.0.1",
			"--socket=" + filepath.Join(s.dir, "mysqld.sock"),
			"--pid-file=" + filepath.Join(s.dir, "mysqld.pid"),
			"--tmpdir=" + s.tmpDir(),
			"--innodb-buffer-pool-size=16M", "--innodb-flush-log-at-trx-commit=0",
			"--skip-log-bin", "--character-set-server=utf8mb4"}
		if os.Geteuid() == 0 {
			args = append(args, "--user=root")
		}
		cmd = exec.Command(mariadbd, args...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Setpgid: true}
	log, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		s.tb.Fatalf("testkit: start %s: %v", s.Backend, err)
	}
	s.cmd = cmd
	s.done = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = log.Close()
		close(s.done)
	}()
	s.waitReady(log.Name())
}

// waitReady polls until the server runs a query, at most a minute.
func (s *PrivateServer) waitReady(logName string) {
	s.tb.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case <-s.done:
			out, _ := os.ReadFile(logName)
			s.cmd = nil
			s.tb.Fatalf("testkit: private %s exited while starting:\n%s", s.Backend, out)
		default:
		}
		err := s.ping()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("testkit: private %s did not answer within a minute: %v", s.Backend, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *PrivateServer) adminDSN() string {
	if s.Backend == Postgres {
		return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
	}
	return fmt.Sprintf("root@tcp(127.0.0.1:%d)/", s.port)
}

func (s *PrivateServer) driverName() string {
	if s.Backend == Postgres {
		return "pgx"
	}
	return "mysql"
}

func (s *PrivateServer) ping() error {
	db, err := sql.Open(s.driverName(), s.adminDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// exec runs one statement on dsn.
func (s *PrivateServer) exec(stmt, dsn string) {
	s.tb.Helper()
	db, err := sql.Open(s.driverName(), dsn)
	if err != nil {
		s.tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil && !strings.Contains(err.Error(), "exists") {
		s.tb.Fatalf("testkit: %s: %v", stmt, err)
	}
}

// Stop stops the server (fast shutdown: sessions are ended, not waited for)
// and waits for its process to exit. It does nothing when it is stopped.
func (s *PrivateServer) Stop() {
	if s.cmd == nil {
		return
	}
	pid := s.cmd.Process.Pid
	sig := syscall.SIGTERM
	if s.Backend == Postgres {
		sig = syscall.SIGINT // PostgreSQL's fast shutdown
	}
	_ = syscall.Kill(pid, sig)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-s.done
	}
	s.cmd = nil
}

// Restart stops the server and starts it again on the same port: every
// connection open to it dies.
func (s *PrivateServer) Restart() {
	s.tb.Helper()
	s.Stop()
	s.Start()
}
