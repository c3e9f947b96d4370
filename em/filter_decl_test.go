package em_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/driver/sqlite"
	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
)

// TestFilterDeclarationErrors: Open lists every unusable filter declaration
// at once (ErrInvalidFilter), and the soft-delete filter is added only for
// a model that has a softDelete property.
func TestFilterDeclarationErrors(t *testing.T) {
	ctx := context.Background()
	cond := func(*meta.Entity, map[string]any) (qb.Condition, error) { return nil, nil }
	_, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{
		Entities: []any{Painter{}, Painting{}},
		Filters: []em.Filter{
			{Cond: cond},
			{Name: "nocond"},
			{Name: "twice", Cond: cond}, {Name: "twice", Cond: cond},
			{Name: "stranger", Cond: cond, Entities: []any{Invoice{}}},
		},
	})
	if !errors.Is(err, em.ErrInvalidFilter) {
		t.Fatalf("Open = %v, want ErrInvalidFilter", err)
	}
	for _, want := range []string{`Filters[0] has no name`, `"nocond" has no Cond`, `"twice" declared twice`, `"stranger"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	orm, err := unitorm.Open(ctx, sqlite.Open("file::memory:"), unitorm.Config{Entities: []any{Painter{}, Painting{}}})
	if err != nil {
		t.Fatal(err)
	}
	defer orm.Close()
	if err := orm.Fork().DisableFilter(em.SoftDeleteFilter); !errors.Is(err, em.ErrUnknownFilter) {
		t.Errorf("softDelete filter without a softDelete property: %v, want ErrUnknownFilter", err)
	}
}
