package mongo

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/meta"
	"github.com/unitorm/unitorm/qb"
	"github.com/unitorm/unitorm/rel"
)

type fAuthor struct {
	ID    string `orm:"pk"`
	Name  string
	Age   int
	Books rel.Collection[*fBook] `orm:"1:m,mappedBy=Author"`
}

type fBook struct {
	ID     string `orm:"pk"`
	Title  string
	Author *fAuthor              `orm:"m:1"`
	Tags   rel.Collection[*fTag] `orm:"m:n"`
}

type fTag struct {
	ID   bson.ObjectID `orm:"pk"`
	Name string
}

func testMap(t *testing.T, v any) *docMap {
	t.Helper()
	reg := meta.NewRegistry()
	if err := reg.Register(fAuthor{}, fBook{}, fTag{}); err != nil {
		t.Fatal(err)
	}
	e, err := reg.EntityOf(v)
	if err != nil {
		t.Fatal(err)
	}
	dm, err := (&mapper{reg: reg}).of(e)
	if err != nil {
		t.Fatal(err)
	}
	return dm
}

// ext renders a filter as canonical extended JSON for comparison.
func ext(t *testing.T, d bson.D) string {
	t.Helper()
	b, err := bson.MarshalExtJSON(d, false, false)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRender(t *testing.T) {
	dm := testMap(t, fBook{})
	const hex = "6b06ff81b2b38cffdfb51f19"
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		cond qb.Condition
		want string
	}{
		{"eq", qb.Cond{"e0.title": "x"}, `{"title":{"$eq":"x"}}`},
		{"bare column", qb.Cond{"title": "x"}, `{"title":{"$eq":"x"}}`},
		{"key to _id as ObjectID", qb.Cond{"e0.id": hex}, `{"_id":{"$eq":{"$oid":"` + hex + `"}}}`},
		{"reference to its key", qb.Cond{"e0.author_id": qb.In(hex)}, `{"author_id":{"$in":[{"$oid":"` + hex + `"}]}}`},
		{"m:n array by property", qb.Cond{"e0.tags": qb.In("010000000000000000000000")}, `{"tags":{"$in":[{"$oid":"010000000000000000000000"}]}}`},
		{"null", qb.Cond{"title": nil}, `{"title":{"$eq":null}}`},
		{"not null", qb.Cond{"title": qb.Ne(nil)}, `{"title":{"$ne":null}}`},
		{"ne excludes null", qb.Cond{"title": qb.Ne("x")}, `{"title":{"$nin":["x",null]}}`},
		{"nin excludes null", qb.Cond{"title": qb.Nin("x", "y")}, `{"title":{"$nin":["x","y",null]}}`},
		{"nin with nil", qb.Cond{"title": qb.Nin("x", nil)}, `{"title":{"$nin":["x",null]}}`},
		{"empty in", qb.Cond{"title": qb.In()}, `{"_id":{"$in":[]}}`},
		{"ranges merge", qb.Cond{"title": qb.Gte("a"), "id": qb.Lt(hex)}, `{"_id":{"$lt":{"$oid":"` + hex + `"}},"title":{"$gte":"a"}}`},
		{"same field twice", qb.Cond{"title": qb.Ops{qb.Gt("a"), qb.Lt("b")}}, `{"$and":[{"title":{"$gt":"a"}},{"title":{"$lt":"b"}}]}`},
		{"time", qb.Cond{"title": when}, `{"title":{"$eq":{"$date":"2024-01-02T03:04:05Z"}}}`},
		{"unsigned", qb.Cond{"title": uint16(7)}, `{"title":{"$eq":7}}`},
		{"like", qb.Cond{"title": qb.Like("a.b%_")}, `{"title":{"$regularExpression":{"pattern":"^a\\.b.*.$","options":"s"}}}`},
		{"ilike", qb.Cond{"title": qb.ILike(`50\%`)}, `{"title":{"$regularExpression":{"pattern":"^50%$","options":"is"}}}`},
		{"re", qb.Cond{"title": qb.Re("^a+")}, `{"title":{"$regularExpression":{"pattern":"^a+","options":""}}}`},
		{"exists", qb.Cond{"title": qb.Exists(true)}, `{"title":{"$ne":null}}`},
		{"contains", qb.Cond{"tags": qb.Contains([]bson.ObjectID{{2}})}, `{"tags":{"$all":[{"$oid":"020000000000000000000000"}]}}`},
		{"overlap", qb.Cond{"tags": qb.Overlap([]bson.ObjectID{{2}})}, `{"tags":{"$in":[{"$oid":"020000000000000000000000"}]}}`},
		{"or", qb.Or(qb.Cond{"title": "a"}, qb.Cond{"title": "b"}), `{"$or":[{"title":{"$eq":"a"}},{"title":{"$eq":"b"}}]}`},
		{"empty or", qb.Or(), `{"_id":{"$in":[]}}`},
		{"empty and", qb.Cond{}, `{}`},
		{"not", qb.Not(qb.Cond{"title": "a"}), `{"$nor":[{"title":{"$eq":"a"}}]}`},
		{"column comparison", qb.Cond{"title": qb.Col("e0.author_id")}, `{"$expr":{"$eq":["$title","$author_id"]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := qb.Normalize(tt.cond)
			if err != nil {
				t.Fatal(err)
			}
			d, err := render(n, dm)
			if err != nil {
				t.Fatal(err)
			}
			if got := ext(t, d); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	dm := testMap(t, fBook{})
	tests := []struct {
		name string
		cond qb.Condition
		want error
	}{
		{"invalid hex key", qb.Cond{"id": "xyz"}, ErrInvalidObjectID},
		{"zero key", qb.Cond{"id": "000000000000000000000000"}, ErrInvalidObjectID},
		{"invalid hex in a list", qb.Cond{"author_id": qb.In("6b06ff81b2b38cffdfb51f19", "nope")}, ErrInvalidObjectID},
		{"number for a key", qb.Cond{"id": 12}, ErrInvalidObjectID},
		{"joined alias", qb.Cond{"e1.name": "x"}, ErrJoin},
		{"unknown field", qb.Cond{"nope": 1}, ErrUnknownField},
		{"raw", qb.Raw("title = ?", 1), ErrUnsupported},
		{"subquery", qb.Cond{"id": qb.In(qb.Select("id").From("x"))}, ErrUnsupported},
		{"exists subquery", qb.ExistsExpr{Query: qb.Select("id").From("x")}, ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := qb.Normalize(tt.cond)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := render(n, dm); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// A map given as a value never becomes an operator: qb refuses it before
// the renderer sees it.
func TestFilterRefusesMaps(t *testing.T) {
	for _, v := range []any{map[string]any{"$ne": ""}, bson.M{"$gt": 1}, bson.D{{Key: "$ne", Value: 1}}} {
		if _, err := Filter(qb.Cond{"name": v}); !errors.Is(err, qb.ErrInvalidValue) {
			t.Errorf("%T: %v, want qb.ErrInvalidValue", v, err)
		}
	}
	d, err := Filter(qb.Cond{"name": "$ne"})
	if err != nil || ext(t, d) != `{"name":{"$eq":"$ne"}}` {
		t.Errorf("a string that looks like an operator: %v, %v", d, err)
	}
}

func TestLikeRegex(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{"a%", []string{"a", "abc", "a\nb"}, []string{"ba", "A"}},
		{"%b", []string{"b", "ab"}, []string{"ba"}},
		{"a_c", []string{"abc", "aäc"}, []string{"ac", "abbc"}},
		{"a.c", []string{"a.c"}, []string{"abc"}},
		{`50\%`, []string{"50%"}, []string{"500"}},
		{`a\_b`, []string{"a_b"}, []string{"axb"}},
		{"(x)+[y]$^", []string{"(x)+[y]$^"}, []string{"xy"}},
		{`trailing\`, []string{`trailing\`}, []string{"trailing"}},
	}
	for _, tt := range tests {
		re := regexp.MustCompile("(?s)" + LikeRegex(tt.pattern))
		for _, s := range tt.match {
			if !re.MatchString(s) {
				t.Errorf("%q (%s) does not match %q", tt.pattern, re, s)
			}
		}
		for _, s := range tt.noMatch {
			if re.MatchString(s) {
				t.Errorf("%q (%s) matches %q", tt.pattern, re, s)
			}
		}
	}
}

func TestRenderSort(t *testing.T) {
	dm := testMap(t, fBook{})
	d, err := renderSort([]qb.Order{{Expr: qb.ColRef("e0.title"), Dir: qb.Desc}, {Expr: qb.ColRef("e0.id"), Dir: qb.Asc, Nulls: qb.NullsFirst}}, dm)
	if err != nil || ext(t, d) != `{"title":-1,"_id":1}` {
		t.Fatalf("sort %v, %v", d, err)
	}
	for _, o := range []qb.Order{
		{Expr: qb.ColRef("title"), Dir: qb.Asc, Nulls: qb.NullsLast},
		{Expr: qb.ColRef("title"), Dir: qb.Desc, Nulls: qb.NullsFirst},
		{Expr: qb.Raw("random()")},
	} {
		if _, err := renderSort([]qb.Order{o}, dm); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%+v: %v, want ErrUnsupported", o, err)
		}
	}
}

func TestParseObjectID(t *testing.T) {
	for _, s := range []string{"", "zz", "6b06ff81b2b38cffdfb51f1", "6b06ff81b2b38cffdfb51f19aa", "000000000000000000000000", "6b06ff81b2b38cffdfb51fzz"} {
		if _, err := ParseObjectID(s); !errors.Is(err, ErrInvalidObjectID) {
			t.Errorf("%q: %v", s, err)
		}
	}
	if id, err := ParseObjectID("6B06FF81B2B38CFFDFB51F19"); err != nil || id.Hex() != "6b06ff81b2b38cffdfb51f19" {
		t.Errorf("upper-case hex: %v, %v", id, err)
	}
}
