package harness

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// MongoTarget is a fresh database on the Mongo backend, created for one test.
type MongoTarget struct {
	Source Source
	// URI reaches the server (it names no database). It may carry options
	// (?directConnection=true for a container's replica set): to name the
	// database in a URI, use DSN rather than appending to URI.
	URI string
	// Database is the test's own database name.
	Database string
	// DSN is URI with Database as its path: the DSN to give unitorm.Open
	// with driver "mongo".
	DSN string
}

// MongoDB returns a fresh database name on the Mongo server for tb and drops
// that database when tb ends. tb is skipped when there is no Mongo server, and
// fails when mongo is required or the server cannot be reached.
func MongoDB(tb testing.TB) MongoTarget {
	tb.Helper()
	s := acquire(tb, Mongo)
	name, err := newName()
	if err != nil {
		tb.Fatalf("%v", err)
	}
	client, err := s.mongoAdmin()
	if err != nil {
		tb.Fatalf("harness: mongo (%s): %v", s.choice.Source, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if err := client.Database(name).Drop(ctx); err != nil {
			tb.Errorf("harness: mongo: drop %s: %v", name, err)
		}
	})
	dsn, err := mongoDSN(s.dsn, name)
	if err != nil {
		tb.Fatalf("harness: mongo: %v", err)
	}
	return MongoTarget{Source: s.choice.Source, URI: s.dsn, Database: name, DSN: dsn}
}

// mongoDSN returns the MongoDB URI base with its path (the default
// database) set to db, keeping its options.
func mongoDSN(base, db string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", EnvMongoURI, err)
	}
	u.Path, u.RawPath = "/"+db, ""
	return u.String(), nil
}

// mongoAdmin returns the client that drops test databases on s.
func (s *server) mongoAdmin() (*mongodrv.Client, error) {
	s.adminOnce.Do(func() {
		s.mongo, s.adminErr = mongodrv.Connect(options.Client().ApplyURI(s.dsn))
		if s.adminErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		s.adminErr = s.mongo.Ping(ctx, nil)
	})
	return s.mongo, s.adminErr
}
