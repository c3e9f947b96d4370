package querytest

import (
	"github.com/unitorm/unitorm/internal/uow"

	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/unitorm/unitorm/em"
	"github.com/unitorm/unitorm/qb"
)

type MItem struct {
	ID   string `orm:"pk"`
	Rank int
	Tag  *string
}

// TestStreamAndCursorMongo: Stream and FindByCursor on MongoDB (keyset
// conditions become filters), with ties and missing values in the order.
func TestStreamAndCursorMongo(t *testing.T) {
	e := openMongo(t, MItem{})
	ctx := context.Background()
	m := e.fork()
	for i := range 250 {
		var tag *string
		if i%4 != 0 {
			tag = strp(fmt.Sprintf("t%d", i%7))
		}
		if err := m.Persist(&MItem{Rank: i % 9, Tag: tag}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var streamed []string
	sm := e.fork()
	for it, err := range em.Stream[MItem](ctx, sm, nil, em.StreamOptions{BatchSize: 40}, em.OrderBy("rank", qb.Asc)) {
		if err != nil {
			t.Fatal(err)
		}
		streamed = append(streamed, it.ID)
	}
	if len(streamed) != 250 || uow.OfManager(sm).IdentityMap().Len() != 0 {
		t.Fatalf("streamed %d of 250, %d tracked after", len(streamed), uow.OfManager(sm).IdentityMap().Len())
	}
	var paged []string
	after := ""
	for {
		page, err := em.FindByCursor[MItem](ctx, e.fork(), nil, em.Cursor{First: 33, After: after}, em.OrderBy("rank", qb.Asc))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			paged = append(paged, it.ID)
		}
		if !page.HasNextPage {
			break
		}
		after = page.EndCursor
	}
	if !slices.Equal(paged, streamed) {
		t.Fatalf("cursor pages (%d) and stream (%d) differ", len(paged), len(streamed))
	}
	// A nullable order: NULL (and missing) sorts first ascending, MongoDB's
	// own order; backwards pages visit the same rows in the same order.
	byTag := []em.FindOption{em.OrderBy("tag", qb.Desc), em.OrderBy("rank", qb.Asc)}
	var fwd, back []string
	var tags []*string
	after = ""
	for {
		page, err := em.FindByCursor[MItem](ctx, e.fork(), nil, em.Cursor{First: 17, After: after}, byTag...)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			fwd = append(fwd, it.ID)
			tags = append(tags, it.Tag)
		}
		if !page.HasNextPage {
			break
		}
		after = page.EndCursor
	}
	before := ""
	for {
		page, err := em.FindByCursor[MItem](ctx, e.fork(), nil, em.Cursor{Last: 17, Before: before}, byTag...)
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		back = append(ids, back...)
		if !page.HasPrevPage {
			break
		}
		before = page.StartCursor
	}
	if len(fwd) != 250 || !slices.Equal(fwd, back) {
		t.Fatalf("by tag: %d forwards, %d backwards, equal %v", len(fwd), len(back), slices.Equal(fwd, back))
	}
	seenNil := false
	for i, tg := range tags {
		if tg == nil {
			seenNil = true
		} else if seenNil {
			t.Fatalf("row %d: a tag after the NULLs in a descending order", i)
		}
		if i > 0 && tg != nil && tags[i-1] != nil && *tags[i-1] < *tg {
			t.Fatalf("row %d: tags not descending", i)
		}
	}
}
