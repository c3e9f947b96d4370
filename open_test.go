package unitorm_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
)

type notASubscriber struct{}

type beforeFlush struct{}

func (beforeFlush) BeforeFlush(context.Context, *em.FlushEvent) error { return nil }

// TestOpenRefusesSubscribersThatAreNone: an entry of Config.Subscribers
// that implements no subscriber interface would never be called, so Open
// refuses it, naming each one.
func TestOpenRefusesSubscribersThatAreNone(t *testing.T) {
	ctx := context.Background()
	_, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{
		Entities:    []any{Writer{}, Novel{}},
		Subscribers: []any{beforeFlush{}, notASubscriber{}, 42},
	})
	if !errors.Is(err, unitorm.ErrInvalidSubscriber) {
		t.Fatalf("err = %v, want ErrInvalidSubscriber", err)
	}
	for _, want := range []string{"Subscribers[1]", "notASubscriber", "Subscribers[2]", "int"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "Subscribers[0]") {
		t.Errorf("%q names the valid subscriber", err)
	}
	orm, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{
		Entities: []any{Writer{}, Novel{}}, Subscribers: []any{beforeFlush{}}})
	if err != nil {
		t.Fatal(err)
	}
	orm.Close()
}

func TestOpenNeedsAConnector(t *testing.T) {
	if _, err := unitorm.Open(context.Background(), nil, unitorm.Config{}); !errors.Is(err, unitorm.ErrNoConnector) {
		t.Fatalf("err = %v, want ErrNoConnector", err)
	}
}
