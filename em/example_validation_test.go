package em_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
)

// Ticket has tag rules (required, length, enum) and its own hook.
type Ticket struct {
	ID       int64  `orm:"pk"`
	Title    string `orm:"required,length=12"`
	Priority string `orm:"enum=low|high"`
	Points   int
}

func (t *Ticket) Validate(context.Context) error {
	if t.Priority == "high" && t.Points == 0 {
		return em.Invalid("points", "a high-priority ticket needs an estimate")
	}
	return nil
}

// Flush checks every inserted or updated entity first and reports all
// violations at once; nothing is sent while any remain.
func Example_validationBeforeFlush() {
	ctx := context.Background()
	orm, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{Entities: []any{Ticket{}}})
	if err != nil {
		log.Fatal(err)
	}
	defer orm.Close()
	if err := orm.CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}
	m := orm.Fork()
	t := &Ticket{Title: "", Priority: "urgent"}
	u := &Ticket{Title: "a title far too long", Priority: "high"}
	if err := m.Persist(t, u); err != nil {
		log.Fatal(err)
	}
	err = m.Flush(ctx)
	var ve *em.ValidationError
	if errors.As(err, &ve) {
		for _, v := range ve.Violations {
			fmt.Println(v.Property, v.Rule, "-", v.Message)
		}
	}
	t.Title, t.Priority = "fix me", "low"
	u.Title, u.Points = "estimate", 3
	fmt.Println(m.Flush(ctx), t.ID, u.ID)
	// Output:
	// title required - is required
	// priority enum - "urgent" is not one of low, high
	// title length - is 20 long, more than length=12
	// points hook - a high-priority ticket needs an estimate
	// <nil> 1 2
}
