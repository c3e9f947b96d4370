package meta

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTag(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		tag  string
		want tagSpec // seen is ignored
	}{
		{"", tagSpec{}},
		{"-", tagSpec{skip: true}},
		{"pk", tagSpec{pk: true}},
		{"pk,autoincrement=false", tagSpec{pk: true, autoInc: &no}},
		{"pk, AutoIncrement", tagSpec{pk: true, autoInc: &yes}},
		{"column=e_mail,unique", tagSpec{column: "e_mail", unique: true}},
		{"unique=uq_name,index=ix", tagSpec{unique: true, uniqueName: "uq_name", index: true, indexName: "ix"}},
		{"nullable", tagSpec{nullable: true}},
		{"notnull", tagSpec{notNull: true}},
		{"default='a,b',type=decimal(10,2)", tagSpec{def: "'a,b'", hasDefault: true, typ: "decimal(10,2)"}},
		{"default='it''s'", tagSpec{def: "'it''s'", hasDefault: true}},
		{"default=now()", tagSpec{def: "now()", hasDefault: true}},
		{"length=20,precision=10,scale=0", tagSpec{length: 20, precision: 10}},
		{"version,hidden", tagSpec{version: true, hidden: true}},
		{"m:1", tagSpec{rel: ManyToOne, hasRel: true, cascade: 0}},
		{"1:m,mappedBy=Author", tagSpec{rel: OneToMany, hasRel: true, mappedBy: "Author"}},
		{"m:n,pivot=bt,pivotJoinColumn=b,pivotInverseJoinColumn=t,inversedBy=Books",
			tagSpec{rel: ManyToMany, hasRel: true, pivot: "bt", pivotJoin: "b", pivotInverse: "t", inversedBy: "Books"}},
		{"1:1,joinColumn=x,cascade=persist|remove,orphanRemoval,onDelete=cascade,onUpdate=set null",
			tagSpec{rel: OneToOne, hasRel: true, joinColumn: "x", cascade: CascadeAll, hasCascade: true, orphanRemoval: true, onDelete: ActionCascade, onUpdate: ActionSetNull}},
		{"m:1,cascade=none", tagSpec{rel: ManyToOne, hasRel: true, hasCascade: true}},
		{"m:1,cascade=all,onDelete=setnull", tagSpec{rel: ManyToOne, hasRel: true, cascade: CascadeAll, hasCascade: true, onDelete: ActionSetNull}},
	}
	for _, tt := range tests {
		got, probs := parseTag(tt.tag)
		if len(probs) > 0 {
			t.Errorf("parseTag(%q) problems: %v", tt.tag, probs)
			continue
		}
		got.seen = nil
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseTag(%q)\n got %+v\nwant %+v", tt.tag, got, tt.want)
		}
	}
}

func TestParseTagProblems(t *testing.T) {
	tests := []struct{ tag, want string }{
		{"pk,bogus", `unknown tag option "bogus"`},
		{"pk,pk", `given twice`},
		{"column", `"column" needs a value`},
		{"pk=1", `"pk" takes no value`},
		{"length=abc", `"length" needs a positive integer`},
		{"length=0", `"length" needs a positive integer`},
		{"scale=-1", `non-negative integer`},
		{"autoincrement=maybe", `autoincrement needs true or false`},
		{"cascade=sideways", `unknown cascade "sideways"`},
		{"onDelete=explode", `unknown action "explode"`},
		{"m:1,1:1", `more than one relation kind`},
		{"nullable,notnull", `nullable and notnull together`},
		{"type=decimal(10,2", `unbalanced '('`},
		{"type=x)", `unbalanced ')'`},
		{"default='abc", `unterminated quote`},
		{"pk,,unique", `empty option`},
	}
	for _, tt := range tests {
		_, probs := parseTag(tt.tag)
		if !strings.Contains(strings.Join(probs, "\n"), tt.want) {
			t.Errorf("parseTag(%q) problems = %q, want one containing %q", tt.tag, probs, tt.want)
		}
	}
}

func TestCheckIdent(t *testing.T) {
	tests := []struct {
		s       string
		dot, ok bool
	}{
		{"book", false, true},
		{"book_tag$2", false, true},
		{"public.book", true, true},
		{"public.book", false, false},
		{".book", true, false},
		{"a..b", true, false},
		{"", false, false},
		{`bo"ok`, false, false},
		{"bo`ok", false, false},
		{"bo'ok", false, false},
		{"book;drop", false, false},
		{"bo\x00ok", false, false},
		{"bo ok", false, false},
		{strings.Repeat("a", 65), false, false},
	}
	for _, tt := range tests {
		if got := checkIdent(tt.s, tt.dot) == ""; got != tt.ok {
			t.Errorf("checkIdent(%q, %v) ok = %v, want %v", tt.s, tt.dot, got, tt.ok)
		}
	}
}
