package rel_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/rel"
)

type book struct{ title string }

func TestZeroValueNotInitialized(t *testing.T) {
	var c rel.Collection[*book]
	if c.IsInitialized() {
		t.Fatal("zero value reports initialized")
	}
	if _, err := c.Items(); !errors.Is(err, rel.ErrNotInitialized) {
		t.Fatalf("Items() err = %v, want ErrNotInitialized", err)
	}
	if _, err := c.Len(); !errors.Is(err, rel.ErrNotInitialized) {
		t.Fatalf("Len() err = %v, want ErrNotInitialized", err)
	}
	if c.AnyItems() != nil {
		t.Fatal("AnyItems() on unloaded collection is not nil")
	}
	if c.IsDirty() {
		t.Fatal("zero value is dirty")
	}
}

func TestDiffTracking(t *testing.T) {
	a, b, c, d := &book{"a"}, &book{"b"}, &book{"c"}, &book{"d"}
	tests := []struct {
		name        string
		run         func(col *rel.Collection[*book])
		items       []*book // nil means not initialized
		added       []*book
		removed     []*book
		replaced    bool
		initialized bool
	}{
		{
			name:        "hydrate of a loaded collection clears diff",
			run:         func(col *rel.Collection[*book]) { col.Hydrate(nil); col.Add(d); col.Hydrate([]*book{a, b, a}) },
			items:       []*book{a, b},
			initialized: true,
		},
		{
			name: "hydrate keeps changes made before the load",
			run: func(col *rel.Collection[*book]) {
				col.Add(d)
				col.Remove(b)
				col.Hydrate([]*book{a, b, a})
			},
			items:       []*book{a, d},
			added:       []*book{d},
			removed:     []*book{b},
			initialized: true,
		},
		{
			name:        "add to loaded",
			run:         func(col *rel.Collection[*book]) { col.Hydrate([]*book{a}); col.Add(b, a, b) },
			items:       []*book{a, b},
			added:       []*book{b},
			initialized: true,
		},
		{
			name:        "remove loaded",
			run:         func(col *rel.Collection[*book]) { col.Hydrate([]*book{a, b}); col.Remove(a, c) },
			items:       []*book{b},
			removed:     []*book{a},
			initialized: true,
		},
		{
			name:        "remove then add back cancels",
			run:         func(col *rel.Collection[*book]) { col.Hydrate([]*book{a, b}); col.Remove(a); col.Add(a) },
			items:       []*book{b, a},
			initialized: true,
		},
		{
			name:        "add then remove cancels",
			run:         func(col *rel.Collection[*book]) { col.Hydrate([]*book{a}); col.Add(b); col.Remove(b) },
			items:       []*book{a},
			initialized: true,
		},
		{
			name:    "add and remove on unloaded",
			run:     func(col *rel.Collection[*book]) { col.Add(a, b); col.Remove(b, c) },
			added:   []*book{a},
			removed: []*book{c},
		},
		{
			name:        "set on loaded records exact diff",
			run:         func(col *rel.Collection[*book]) { col.Hydrate([]*book{a, b}); col.Set(b, c, d) },
			items:       []*book{b, c, d},
			added:       []*book{c, d},
			removed:     []*book{a},
			initialized: true,
		},
		{
			name:        "set on unloaded replaces",
			run:         func(col *rel.Collection[*book]) { col.Remove(d); col.Set(a, b) },
			items:       []*book{a, b},
			added:       []*book{a, b},
			replaced:    true,
			initialized: true,
		},
		{
			name:        "mark initialized keeps pending adds",
			run:         func(col *rel.Collection[*book]) { col.Add(a); col.MarkInitialized() },
			items:       []*book{a},
			added:       []*book{a},
			initialized: true,
		},
		{
			name:        "reset diff",
			run:         func(col *rel.Collection[*book]) { col.Set(a); col.Remove(a); col.Add(b); col.ResetDiff() },
			items:       []*book{b},
			initialized: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var col rel.Collection[*book]
			tt.run(&col)
			if col.IsInitialized() != tt.initialized {
				t.Fatalf("IsInitialized() = %v, want %v", col.IsInitialized(), tt.initialized)
			}
			if tt.initialized {
				got, err := col.Items()
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tt.items) {
					t.Errorf("Items() = %v, want %v", got, tt.items)
				}
				n, _ := col.Len()
				if n != len(tt.items) {
					t.Errorf("Len() = %d, want %d", n, len(tt.items))
				}
			}
			if got := col.Added(); !slices.Equal(got, tt.added) {
				t.Errorf("Added() = %v, want %v", got, tt.added)
			}
			if got := col.Removed(); !slices.Equal(got, tt.removed) {
				t.Errorf("Removed() = %v, want %v", got, tt.removed)
			}
			if col.Replaced() != tt.replaced {
				t.Errorf("Replaced() = %v, want %v", col.Replaced(), tt.replaced)
			}
			wantDirty := tt.replaced || len(tt.added) > 0 || len(tt.removed) > 0
			if col.IsDirty() != wantDirty {
				t.Errorf("IsDirty() = %v, want %v", col.IsDirty(), wantDirty)
			}
		})
	}
}

func TestItemsReturnsCopy(t *testing.T) {
	a, b := &book{"a"}, &book{"b"}
	c := rel.NewCollection(a)
	items, _ := c.Items()
	items[0] = b
	if !c.Contains(a) || c.Contains(b) {
		t.Fatal("mutating Items() result changed the collection")
	}
}

func TestNewCollection(t *testing.T) {
	a := &book{"a"}
	c := rel.NewCollection(a, a)
	if !c.IsInitialized() {
		t.Fatal("NewCollection not initialized")
	}
	if n, _ := c.Len(); n != 1 {
		t.Fatalf("Len() = %d, want 1", n)
	}
	if !slices.Equal(c.Added(), []*book{a}) {
		t.Fatalf("Added() = %v", c.Added())
	}
}

func TestAnyCollection(t *testing.T) {
	a, b := &book{"a"}, &book{"b"}
	var c rel.Collection[*book]
	var ac rel.AnyCollection = &c
	if ac.ElemType() != reflect.TypeFor[*book]() {
		t.Fatalf("ElemType() = %v", ac.ElemType())
	}
	if err := ac.HydrateAny([]any{a, b, nil}); err != nil {
		t.Fatal(err)
	}
	got := ac.AnyItems()
	if len(got) != 3 || got[0] != any(a) || got[1] != any(b) {
		t.Fatalf("AnyItems() = %v", got)
	}
	c.Remove(a)
	if r := ac.RemovedAny(); len(r) != 1 || r[0] != any(a) {
		t.Fatalf("RemovedAny() = %v", r)
	}
	if err := ac.HydrateAny([]any{"not a book"}); err == nil {
		t.Fatal("HydrateAny accepted a string")
	}
	if !c.Contains(b) {
		t.Fatal("failed HydrateAny changed the collection")
	}
	var ints rel.Collection[int]
	if err := ints.HydrateAny([]any{nil}); err == nil {
		t.Fatal("HydrateAny accepted nil for int")
	}
}

func TestNonComparableElements(t *testing.T) {
	var c rel.Collection[[]int]
	c.Hydrate([][]int{{1}, {2}})
	c.Add([]int{1})
	if n, _ := c.Len(); n != 2 {
		t.Fatalf("Len() = %d, want 2 (deep-equal duplicate kept out)", n)
	}
	c.Remove([]int{2})
	if c.Contains([]int{2}) || !c.Contains([]int{1}) {
		t.Fatal("Remove/Contains with slices")
	}
	var ci rel.Collection[any]
	ci.Add([]int{1}, 2, []int{1})
	if len(ci.Added()) != 2 {
		t.Fatalf("Added() = %v, want 2 items", ci.Added())
	}
}
