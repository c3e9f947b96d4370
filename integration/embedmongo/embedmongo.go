// Package embedmongo runs FerretDB in-process as the integration suite's
// MongoDB when neither UNITORM_MONGO_URI nor Docker provides one.
//
// FerretDB v1.24 speaks the MongoDB wire protocol over an SQLite directory
// (its sqlite handler). It has CRUD, $in, aggregation with $match, $group
// and $sort, and bulk writes; it has no $lookup and no transactions, so the
// tests that need those look for them on the server they get.
//
// Register it from a test binary's TestMain:
//
//	func TestMain(m *testing.M) {
//		harness.RegisterEmbeddedMongo(embedmongo.Start)
//		harness.Main(m)
//	}
package embedmongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Start starts FerretDB with the sqlite handler on a random local port, its
// data in a fresh temporary directory, and returns its URI and a function
// that stops it and removes the directory. ctx bounds the start only.
func Start(ctx context.Context) (uri string, stop func(), err error) {
	dir, err := os.MkdirTemp("", "unitorm-ferretdb-")
	if err != nil {
		return "", nil, fmt.Errorf("embedmongo: %w", err)
	}
	// FerretDB logs every connection at info level and every unknown
	// command (the driver's endSessions) as a warning; keep errors only.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, fmt.Errorf("embedmongo: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(runCtx)
	}()
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
		}
		_ = os.RemoveAll(dir)
	}
	got := make(chan string, 1)
	go func() { got <- f.MongoDBURI() }()
	select {
	case uri = <-got:
		return uri, stop, nil
	case <-ctx.Done():
		stop()
		return "", nil, fmt.Errorf("embedmongo: FerretDB did not start listening: %w", errors.Join(ctx.Err()))
	}
}
