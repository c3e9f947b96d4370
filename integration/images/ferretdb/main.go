// Command ferretdb is the entry point of the unitorm-ci/ferretdb image that
// integration/images/build.sh builds: FerretDB (its embeddable Go package,
// handler sqlite) listening on 0.0.0.0:27017, its data under /data.
//
// It takes the arguments the harness gives the official mongo image and
// ignores those FerretDB has no use for, so that UNITORM_MONGO_IMAGE can
// name either image:
//
//	ferretdb [mongod] [--replSet NAME] [--bind_ip_all] [--bind_ip ADDR] [--port N]
//
// FerretDB has no replica sets; the harness sees that replSetInitiate is
// not supported and uses the server as it is (no transactions, as with the
// embedded FerretDB).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	port, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(2)
	}
	dir := os.Getenv("FERRETDB_DATA")
	if dir == "" {
		dir = "/data"
	}
	level := slog.LevelWarn
	if os.Getenv("FERRETDB_DEBUG") != "" {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: net.JoinHostPort("0.0.0.0", strconv.Itoa(port))},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
	// SIGTERM and SIGINT end the server (the process is PID 1: without a
	// handler the kernel would drop them). Other signals keep their Go
	// defaults; dockertest's stop signal, SIGWINCH, is one that Go ignores,
	// so that a container's expiry (a stop with a timeout) ends it only
	// with the daemon's SIGKILL when the timeout is up.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() { fmt.Fprintln(os.Stderr, "ferretdb: listening on", f.MongoDBURI()) }()
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}

// parseArgs reads the mongod-style arguments and returns the port.
func parseArgs(args []string) (int, error) {
	port := 27017
	if len(args) > 0 && (args[0] == "mongod" || args[0] == "ferretdb") {
		args = args[1:]
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch a {
		case "--bind_ip_all":
		case "--replSet", "--bind_ip":
			if i+1 >= len(args) {
				return 0, fmt.Errorf("%s needs a value", a)
			}
			i++
		case "--port":
			if i+1 >= len(args) {
				return 0, fmt.Errorf("%s needs a value", a)
			}
			i++
			p, err := strconv.Atoi(args[i])
			if err != nil || p <= 0 || p > 65535 {
				return 0, fmt.Errorf("bad --port %q", args[i])
			}
			port = p
		default:
			return 0, fmt.Errorf("unknown argument %q (takes mongod, --replSet NAME, --bind_ip_all, --bind_ip ADDR, --port N)", a)
		}
	}
	return port, nil
}
