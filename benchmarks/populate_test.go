package benchmarks

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/unitorm/unitorm"
	"github.com/unitorm/unitorm/em"
)

// The populate benchmark: authors × 10 books × 3 tags (out of 50), all
// books found with author.books.tags populated.

// PopAuthor writes PopBooks.
type PopAuthor struct {
	ID    int64                        `orm:"pk"`
	Name  string                       `orm:"column=name"`
	Books unitorm.Collection[*PopBook] `orm:"1:m,mappedBy=Author"`
}

// PopBook has an author and tags.
type PopBook struct {
	ID     int64                       `orm:"pk"`
	Title  string                      `orm:"column=title"`
	Author *PopAuthor                  `orm:"m:1"`
	Tags   unitorm.Collection[*PopTag] `orm:"m:n"`
}

// PopTag labels books.
type PopTag struct {
	ID   int64  `orm:"pk"`
	Name string `orm:"column=name"`
}

const (
	booksPerAuthor = 10
	tagsPerBook    = 3
	popTags        = 50
)

var popOnce sync.Once

// popORM opens unitorm on the populate tables, creating and filling them
// once per run.
func popORM(b *testing.B) *unitorm.ORM {
	ctx := context.Background()
	orm := openUnitorm(b, PopAuthor{}, PopBook{}, PopTag{})
	var err error
	popOnce.Do(func() {
		if err = orm.CreateSchema(ctx); err != nil {
			return
		}
		f := orm.Fork()
		tags := make([]*PopTag, popTags)
		for i := range tags {
			tags[i] = &PopTag{Name: "tag" + strconv.Itoa(i)}
		}
		k := 0
		for a := range *popAuthors {
			au := &PopAuthor{Name: "author" + strconv.Itoa(a)}
			for range booksPerAuthor {
				bk := &PopBook{Title: "book" + strconv.Itoa(k), Author: au}
				for t := range tagsPerBook {
					bk.Tags.Add(tags[(k+t*7)%popTags])
				}
				if err = f.Persist(bk); err != nil {
					return
				}
				k++
			}
		}
		err = f.Flush(ctx)
	})
	if err != nil {
		b.Fatal(err)
	}
	return orm
}

func BenchmarkPopulate(b *testing.B) {
	ctx := context.Background()
	nBooks := *popAuthors * booksPerAuthor
	b.Run("lib=unitorm", func(b *testing.B) {
		orm := popORM(b)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			books, err := em.FindAll[PopBook](ctx, orm.Fork(), em.Populate("author.books.tags"))
			if err != nil {
				b.Fatal(err)
			}
			checkPopulated(b, len(books), func(i int) (int, int) {
				bk := books[i]
				items, err := bk.Author.Books.Items()
				if err != nil {
					b.Fatal(err)
				}
				tags, err := items[0].Tags.Items()
				if err != nil {
					b.Fatal(err)
				}
				return len(items), len(tags)
			}, nBooks)
		}
	})
	b.Run("lib=pgx", func(b *testing.B) {
		popORM(b)
		conn := pgConn(b)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			books, err := pgxPopulate(ctx, conn)
			if err != nil {
				b.Fatal(err)
			}
			checkPopulated(b, len(books), func(i int) (int, int) {
				items := books[i].Author.Books
				return len(items), len(items[0].Tags)
			}, nBooks)
		}
	})
}

// checkPopulated checks a few books: each author has its 10 books and
// each of those its 3 tags.
func checkPopulated(b *testing.B, n int, at func(i int) (books, tags int), want int) {
	if n != want {
		b.Fatalf("found %d books, want %d", n, want)
	}
	for _, i := range []int{0, n / 2, n - 1} {
		if books, tags := at(i); books != booksPerAuthor || tags != tagsPerBook {
			b.Fatalf("book %d: author has %d books, first has %d tags", i, books, tags)
		}
	}
}
