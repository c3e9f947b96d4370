package benchmarks

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Plain structs for the hand-written populate.
type hAuthor struct {
	ID    int64
	Name  string
	Books []*hBook
}

type hBook struct {
	ID     int64
	Title  string
	Author *hAuthor
	Tags   []*hTag
}

type hTag struct {
	ID   int64
	Name string
}

// pgxPopulate loads every book with author.books.tags the way a careful
// hand-written loader does: one query per level with an array of keys,
// one instance per row (maps by key), and the relations wired in Go.
func pgxPopulate(ctx context.Context, conn *pgx.Conn) ([]*hBook, error) {
	books := map[int64]*hBook{}
	authorOf := map[*hBook]int64{}
	var roots []*hBook
	rows, err := conn.Query(ctx, "SELECT id, title, author_id FROM pop_book")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		bk := &hBook{}
		var aid int64
		if err := rows.Scan(&bk.ID, &bk.Title, &aid); err != nil {
			rows.Close()
			return nil, err
		}
		books[bk.ID] = bk
		authorOf[bk] = aid
		roots = append(roots, bk)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// author
	authors := map[int64]*hAuthor{}
	var aids []int64
	for _, bk := range roots {
		if _, ok := authors[authorOf[bk]]; !ok {
			authors[authorOf[bk]] = nil
			aids = append(aids, authorOf[bk])
		}
	}
	rows, err = conn.Query(ctx, "SELECT id, name FROM pop_author WHERE id = ANY($1)", aids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		a := &hAuthor{}
		if err := rows.Scan(&a.ID, &a.Name); err != nil {
			rows.Close()
			return nil, err
		}
		authors[a.ID] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, bk := range roots {
		bk.Author = authors[authorOf[bk]]
	}

	// author.books
	var inner []*hBook
	rows, err = conn.Query(ctx, "SELECT id, title, author_id FROM pop_book WHERE author_id = ANY($1) ORDER BY id", aids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			id, aid int64
			title   string
		)
		if err := rows.Scan(&id, &title, &aid); err != nil {
			rows.Close()
			return nil, err
		}
		bk, ok := books[id]
		if !ok {
			bk = &hBook{ID: id, Title: title}
			books[id] = bk
		}
		a := authors[aid]
		bk.Author = a
		a.Books = append(a.Books, bk)
		inner = append(inner, bk)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// author.books.tags
	bids := make([]int64, len(inner))
	for i, bk := range inner {
		bids[i] = bk.ID
	}
	tags := map[int64]*hTag{}
	rows, err = conn.Query(ctx, `SELECT p.pop_book_id, t.id, t.name FROM pop_tag t
		JOIN pop_book_tags p ON p.pop_tag_id = t.id WHERE p.pop_book_id = ANY($1) ORDER BY p.pop_book_id, t.id`, bids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			bid, tid int64
			name     string
		)
		if err := rows.Scan(&bid, &tid, &name); err != nil {
			rows.Close()
			return nil, err
		}
		t, ok := tags[tid]
		if !ok {
			t = &hTag{ID: tid, Name: name}
			tags[tid] = t
		}
		bk := books[bid]
		bk.Tags = append(bk.Tags, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return roots, nil
}
