package meta

import (
	"fmt"
	"strconv"
	"strings"
)

// tagSpec is the parsed content of one `orm:"..."` tag.
type tagSpec struct {
	skip          bool
	pk            bool
	autoInc       *bool
	column        string
	nullable      bool
	notNull       bool
	unique        bool
	uniqueName    string
	index         bool
	indexName     string
	def           string
	hasDefault    bool
	typ           string
	length        int
	precision     int
	scale         int
	version       bool
	hidden        bool
	rel           Kind
	hasRel        bool
	mappedBy      string
	inversedBy    string
	joinColumn    string
	pivot         string
	pivotJoin     string
	pivotInverse  string
	cascade       Cascade
	hasCascade    bool
	orphanRemoval bool
	onDelete      Action
	onUpdate      Action
	softDelete    bool
	required      bool
	enum          []string
	embedded      bool
	formula       string
	lazy          bool
	prefix        string
	hasPrefix     bool
	discriminator bool            // discriminator (single-table inheritance)
	discValue     string          // discriminator=value
	seen          map[string]bool // canonical keys present
}

// canonical tag keys, lower-cased for lookup.
var tagKeys = map[string]string{
	"pk": "pk", "autoincrement": "autoincrement", "column": "column",
	"nullable": "nullable", "notnull": "notnull", "unique": "unique",
	"index": "index", "default": "default", "type": "type", "length": "length",
	"precision": "precision", "scale": "scale", "version": "version",
	"hidden": "hidden", "mappedby": "mappedBy", "inversedby": "inversedBy",
	"joincolumn": "joinColumn", "pivot": "pivot", "pivotjoincolumn": "pivotJoinColumn",
	"pivotinversejoincolumn": "pivotInverseJoinColumn", "cascade": "cascade",
	"orphanremoval": "orphanRemoval", "ondelete": "onDelete", "onupdate": "onUpdate",
	"softdelete": "softDelete", "required": "required", "enum": "enum",
	"embedded": "embedded", "prefix": "prefix", "formula": "formula", "lazy": "lazy",
	"discriminator": "discriminator",
}

var relKinds = map[string]Kind{"m:1": ManyToOne, "1:1": OneToOne, "1:m": OneToMany, "m:n": ManyToMany}

// parseTag parses an orm tag. It returns every problem found, each as a
// message without the entity/field prefix.
func parseTag(tag string) (tagSpec, []string) {
	var s tagSpec
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	s.seen = map[string]bool{}
	tag = strings.TrimSpace(tag)
	if tag == "-" {
		s.skip = true
		return s, nil
	}
	if tag == "" {
		return s, nil
	}
	parts, err := splitTag(tag)
	if err != nil {
		return s, []string{err.Error()}
	}
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			bad("empty option in tag %q", tag)
			continue
		}
		if k, ok := relKinds[strings.ToLower(part)]; ok {
			if s.hasRel {
				bad("more than one relation kind in tag %q", tag)
			}
			s.rel, s.hasRel = k, true
			continue
		}
		rawKey, val, hasVal := strings.Cut(part, "=")
		rawKey = strings.TrimSpace(rawKey)
		val = strings.TrimSpace(val)
		key, ok := tagKeys[strings.ToLower(rawKey)]
		if !ok {
			bad("unknown tag option %q", rawKey)
			continue
		}
		if s.seen[key] {
			bad("tag option %q given twice", key)
			continue
		}
		s.seen[key] = true
		needVal := func() bool {
			if !hasVal || val == "" {
				bad("tag option %q needs a value", key)
				return false
			}
			return true
		}
		noVal := func() {
			if hasVal {
				bad("tag option %q takes no value", key)
			}
		}
		posInt := func(dst *int) {
			if !needVal() {
				return
			}
			n, err := strconv.Atoi(val)
			if err != nil || n <= 0 {
				bad("tag option %q needs a positive integer, got %q", key, val)
				return
			}
			*dst = n
		}
		switch key {
		case "pk":
			noVal()
			s.pk = true
		case "autoincrement":
			b := true
			if hasVal {
				v, err := strconv.ParseBool(val)
				if err != nil {
					bad("autoincrement needs true or false, got %q", val)
				}
				b = v
			}
			s.autoInc = &b
		case "column":
			if needVal() {
				s.column = val
			}
		case "nullable":
			noVal()
			s.nullable = true
		case "notnull":
			noVal()
			s.notNull = true
		case "unique":
			s.unique, s.uniqueName = true, val
		case "index":
			s.index, s.indexName = true, val
		case "default":
			if needVal() {
				s.def, s.hasDefault = val, true
			}
		case "type":
			if needVal() {
				s.typ = val
			}
		case "length":
			posInt(&s.length)
		case "precision":
			posInt(&s.precision)
		case "scale":
			if needVal() {
				n, err := strconv.Atoi(val)
				if err != nil || n < 0 {
					bad("tag option \"scale\" needs a non-negative integer, got %q", val)
				} else {
					s.scale = n
				}
			}
		case "version":
			noVal()
			s.version = true
		case "hidden":
			noVal()
			s.hidden = true
		case "mappedBy":
			if needVal() {
				s.mappedBy = val
			}
		case "inversedBy":
			if needVal() {
				s.inversedBy = val
			}
		case "joinColumn":
			if needVal() {
				s.joinColumn = val
			}
		case "pivot":
			if needVal() {
				s.pivot = val
			}
		case "pivotJoinColumn":
			if needVal() {
				s.pivotJoin = val
			}
		case "pivotInverseJoinColumn":
			if needVal() {
				s.pivotInverse = val
			}
		case "cascade":
			if needVal() {
				c, err := parseCascade(val)
				if err != nil {
					bad("%v", err)
				}
				s.cascade, s.hasCascade = c, true
			}
		case "orphanRemoval":
			noVal()
			s.orphanRemoval = true
		case "softDelete":
			noVal()
			s.softDelete = true
		case "required":
			noVal()
			s.required = true
		case "enum":
			if needVal() {
				s.enum = parseEnum(val, bad)
			}
		case "embedded":
			noVal()
			s.embedded = true
		case "formula":
			if needVal() {
				s.formula = val
			}
		case "lazy":
			noVal()
			s.lazy = true
		case "prefix":
			s.prefix, s.hasPrefix = val, true
		case "discriminator":
			s.discriminator, s.discValue = true, val
			if hasVal && val == "" {
				bad("tag option %q needs a value after =", key)
			}
		case "onDelete", "onUpdate":
			if needVal() {
				a, err := parseAction(val)
				if err != nil {
					bad("%s: %v", key, err)
				}
				if key == "onDelete" {
					s.onDelete = a
				} else {
					s.onUpdate = a
				}
			}
		}
	}
	if s.nullable && s.notNull {
		bad("nullable and notnull together")
	}
	return s, probs
}

// splitTag splits on commas that are outside parentheses and single-quoted
// strings, so that type=decimal(10,2) and default='a,b' stay whole.
func splitTag(tag string) ([]string, error) {
	var parts []string
	depth, start, inQuote := 0, 0, false
	for i := 0; i < len(tag); i++ {
		switch c := tag[i]; {
		case inQuote:
			if c == '\'' {
				if i+1 < len(tag) && tag[i+1] == '\'' {
					i++ // escaped quote
				} else {
					inQuote = false
				}
			}
		case c == '\'':
			inQuote = true
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return nil, fmt.Errorf("unbalanced ')' in tag %q", tag)
			}
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, tag[start:i])
			start = i + 1
		}
	}
	if inQuote {
		return nil, fmt.Errorf("unterminated quote in tag %q", tag)
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced '(' in tag %q", tag)
	}
	return append(parts, tag[start:]), nil
}

func parseCascade(v string) (Cascade, error) {
	var c Cascade
	for _, p := range strings.Split(v, "|") {
		switch strings.ToLower(strings.TrimSpace(p)) {
		case "persist":
			c |= CascadePersist
		case "remove":
			c |= CascadeRemove
		case "all":
			c |= CascadeAll
		case "none":
		default:
			return 0, fmt.Errorf("unknown cascade %q (want persist, remove, all or none)", p)
		}
	}
	return c, nil
}

func parseAction(v string) (Action, error) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(v), " ", "")) {
	case "cascade":
		return ActionCascade, nil
	case "setnull":
		return ActionSetNull, nil
	case "restrict":
		return ActionRestrict, nil
	case "noaction":
		return ActionNoAction, nil
	case "setdefault":
		return ActionSetDefault, nil
	}
	return ActionDefault, fmt.Errorf("unknown action %q (want cascade, setnull, restrict, noaction or setdefault)", v)
}
