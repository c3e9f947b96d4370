package schema_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/unitorm/unitorm/dialect"
	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/schema"
)

func TestBuildModel(t *testing.T) {
	reg := testRegistry(t)
	s, err := schema.Build(reg.Entities(), dialect.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.TableNames(), []string{"publisher", "author", "book", "tag", "category", "edition", "book_tags"}; !slices.Equal(got, want) {
		t.Fatalf("tables = %v, want %v", got, want)
	}
	pivot := s.Table("book_tags")
	if !pivot.Pivot || !slices.Equal(pivot.PrimaryKey, []string{"book_id", "tag_id"}) {
		t.Errorf("pivot = %+v", pivot)
	}
	for _, fk := range pivot.ForeignKeys {
		if fk.OnDelete != "CASCADE" {
			t.Errorf("pivot fk %s on delete %q, want CASCADE", fk.Name, fk.OnDelete)
		}
	}
	if c := pivot.Column("tag_id"); c.Type != "integer" || c.Nullable {
		t.Errorf("pivot tag_id = %+v, want integer NOT NULL (the type of tag.id)", c)
	}
	book := s.Table("book")
	fk := book.ForeignKey("book_author_id_foreign")
	if fk == nil || fk.RefTable != "author" || fk.OnDelete != "CASCADE" || fk.OnUpdate != "" {
		t.Errorf("book_author_id_foreign = %+v", fk)
	}
	if ix := book.Index("book_title_author_unique"); ix == nil || !ix.Unique || !slices.Equal(ix.Columns, []string{"title", "author_id"}) {
		t.Errorf("composite unique = %+v", ix)
	}
	// Every foreign key has an index starting with its columns.
	for _, tb := range s.Tables {
		for _, fk := range tb.ForeignKeys {
			ok := len(tb.PrimaryKey) >= len(fk.Columns) && slices.Equal(tb.PrimaryKey[:len(fk.Columns)], fk.Columns)
			for _, ix := range tb.Indexes {
				ok = ok || len(ix.Columns) >= len(fk.Columns) && slices.Equal(ix.Columns[:len(fk.Columns)], fk.Columns)
			}
			if !ok {
				t.Errorf("%s.%s has no index", tb.Name, fk.Name)
			}
		}
	}
}

func TestBuildMySQLIndexedText(t *testing.T) {
	type Slug struct {
		Code string `orm:"pk,type=text"`
		Note string `orm:"type=text"`
	}
	type Ref struct {
		ID   int64 `orm:"pk"`
		Slug *Slug `orm:"m:1"`
	}
	reg := meta.NewRegistry()
	if err := reg.Register(Slug{}, Ref{}); err != nil {
		t.Fatal(err)
	}
	s, err := schema.Build(reg.Entities(), dialect.MySQL)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ table, col, want string }{
		{"slug", "code", "varchar(255)"}, {"slug", "note", "text"}, {"ref", "slug_code", "varchar(255)"},
	} {
		if got := s.Table(c.table).Column(c.col).Type; got != c.want {
			t.Errorf("%s.%s = %s, want %s (MySQL cannot index text)", c.table, c.col, got, c.want)
		}
	}
}

type renamer struct{ meta.UnderscoreNaming }

func (renamer) IndexName(table string, cols []string, kind string) string {
	return "fk_" + kind + "_" + table + "_" + strings.Join(cols, "_")
}

func TestBuildNamingAndDuplicates(t *testing.T) {
	reg := testRegistry(t)
	s, err := schema.Build(reg.Entities(), dialect.SQLite, schema.WithNaming(renamer{}))
	if err != nil {
		t.Fatal(err)
	}
	if s.Table("book").ForeignKey("fk_foreign_book_author_id") == nil {
		t.Errorf("WithNaming not used for foreign keys: %+v", s.Table("book").ForeignKeys)
	}
	e, _ := reg.EntityByName("Tag")
	if _, err := schema.Build([]*meta.Entity{e, e}, dialect.SQLite); !errors.Is(err, schema.ErrDuplicateTable) {
		t.Errorf("duplicate entity: err = %v, want ErrDuplicateTable", err)
	}
}
