// Package pattern builds and checks CloudWatch Logs filter patterns, the
// strings that metric filters and subscription filters match log events
// with. A pattern that CloudWatch rejects fails a deployment minutes in;
// one that is merely wrong (an unbalanced brace, a typo in an operator)
// silently matches nothing. Building patterns from typed values, and parsing
// every pattern before it is used, moves both failures to synth.
//
// Three kinds exist:
//   - JSON: { $.level = "ERROR" || $.status_code >= 500 }
//   - space-delimited: [time, request_id, level = ERROR*, ...]
//   - terms: ERROR, "Error Code", ?ERROR ?WARN, -DEBUG
package pattern

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxLength is the longest filter pattern CloudWatch Logs accepts.
const MaxLength = 1024

// Kind is the syntax family of a pattern.
type Kind int

// Pattern kinds.
const (
	// KindTerms matches terms anywhere in the event; the empty pattern
	// matches every event.
	KindTerms Kind = iota
	// KindJSON matches fields of JSON events with selectors such as $.level.
	KindJSON
	// KindSpace matches positional fields of space-delimited events.
	KindSpace
)

func (k Kind) String() string {
	switch k {
	case KindJSON:
		return "json"
	case KindSpace:
		return "space-delimited"
	default:
		return "terms"
	}
}

// Pattern is a checked filter pattern. Build one with JSON, Space, Terms
// or AnyTerm, or parse text with Parse; check Err before use.
type Pattern struct {
	text string
	kind Kind
	err  error
	// cond is the condition tree of a JSON pattern, kept so Or and And
	// can extend it.
	cond *Cond
	// selectors are the JSON selectors the pattern reads, in order.
	selectors []string
	// fields are the named fields of a space-delimited pattern.
	fields []string
	// regexes counts %regex% terms.
	regexes int
}

// String returns the pattern text as CloudWatch Logs expects it.
func (p Pattern) String() string { return p.text }

// Kind reports the syntax family.
func (p Pattern) Kind() Kind { return p.kind }

// Err returns why the pattern is invalid, or nil.
func (p Pattern) Err() error { return p.err }

// Selectors returns the JSON selectors the pattern reads (JSON patterns).
func (p Pattern) Selectors() []string { return append([]string(nil), p.selectors...) }

// Fields returns the named positional fields (space-delimited patterns).
func (p Pattern) Fields() []string { return append([]string(nil), p.fields...) }

// HasField reports whether a space-delimited pattern names field.
func (p Pattern) HasField(field string) bool {
	for _, f := range p.fields {
		if f == field {
			return true
		}
	}
	return false
}

// Or extends a JSON pattern: events match if they match p or c.
func (p Pattern) Or(c Cond) Pattern { return p.extend("||", c) }

// And narrows a JSON pattern: events match if they match p and c.
func (p Pattern) And(c Cond) Pattern { return p.extend("&&", c) }

func (p Pattern) extend(op string, c Cond) Pattern {
	if p.err != nil {
		return p
	}
	if p.kind != KindJSON || p.cond == nil {
		return Pattern{text: p.text, kind: p.kind, err: fmt.Errorf("pattern %q: %s applies only to JSON patterns", p.text, op)}
	}
	return JSON(p.cond.join(op, c))
}

// JSON builds a JSON pattern from a condition, rendered in the canonical
// spacing of the AWS docs: { $.level = "ERROR" || $.status_code >= 500 }.
func JSON(c Cond) Pattern {
	var b strings.Builder
	b.WriteString("{ ")
	c.render(&b, "")
	b.WriteString(" }")
	p := build(b.String())
	if p.err == nil {
		cc := c
		p.cond = &cc
	}
	return p
}

// Space builds a space-delimited pattern. Each argument is a field: a
// string names it ("time"), "..." stands for any number of fields, and
// Field("level").Like("ERROR*") adds a condition.
func Space(fields ...any) Pattern {
	parts := make([]string, 0, len(fields))
	for i, f := range fields {
		switch f := f.(type) {
		case string:
			parts = append(parts, f)
		case FieldCond:
			parts = append(parts, f.String())
		default:
			return Pattern{err: fmt.Errorf("space pattern field %d: %T is not a field name or a Field condition", i, f)}
		}
	}
	return build("[" + strings.Join(parts, ", ") + "]")
}

// Terms matches events that contain every term. A term with spaces or
// symbols is quoted.
func Terms(terms ...string) Pattern { return termPattern("", terms) }

// AnyTerm matches events that contain at least one of the terms.
func AnyTerm(terms ...string) Pattern { return termPattern("?", terms) }

func termPattern(prefix string, terms []string) Pattern {
	if len(terms) == 0 {
		return Pattern{err: fmt.Errorf("term pattern needs at least one term")}
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		if t == "" {
			return Pattern{err: fmt.Errorf("term %d is empty", i)}
		}
		if strings.ContainsAny(t, " \t\"{}[]()?-%,=<>!&|") {
			t = strconv.Quote(t)
		}
		parts[i] = prefix + t
	}
	return build(strings.Join(parts, " "))
}

func build(text string) Pattern {
	p, err := Parse(text)
	if err != nil {
		return Pattern{text: text, err: err}
	}
	return p
}

// Cond is a condition of a JSON pattern: a comparison of one selector, or
// two conditions joined with && or ||.
type Cond struct {
	// op is "&&" or "||" for a compound; "" for a comparison.
	op          string
	left, right *Cond
	selector    string
	// cmp is the comparison operator, or "IS"/"NOT EXISTS".
	cmp   string
	value string
}

// Or joins two conditions: either must hold.
func (c Cond) Or(o Cond) Cond { return c.join("||", o) }

// And joins two conditions: both must hold.
func (c Cond) And(o Cond) Cond { return c.join("&&", o) }

func (c Cond) join(op string, o Cond) Cond {
	l, r := c, o
	return Cond{op: op, left: &l, right: &r}
}

// render writes the condition; a compound inside a compound of the other
// operator is parenthesised, so the reading never depends on precedence.
func (c Cond) render(b *strings.Builder, parentOp string) {
	if c.op == "" {
		b.WriteString(c.selector)
		b.WriteByte(' ')
		b.WriteString(c.cmp)
		if c.value != "" {
			b.WriteByte(' ')
			b.WriteString(c.value)
		}
		return
	}
	paren := parentOp != "" && parentOp != c.op
	if paren {
		b.WriteByte('(')
	}
	c.left.render(b, c.op)
	b.WriteString(" " + c.op + " ")
	c.right.render(b, c.op)
	if paren {
		b.WriteByte(')')
	}
}

func compare(selector, op string, v any) Cond {
	return Cond{selector: selector, cmp: op, value: literal(v)}
}

// literal renders a comparison value: strings are quoted (a '*' inside
// stays a wildcard), numbers are bare.
func literal(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		// An unsupported type renders as text that the parser rejects, so
		// the mistake surfaces as the pattern's error.
		return fmt.Sprintf("<unsupported value %T>", v)
	}
}

// Eq matches when the selector equals v (a string, possibly with '*'
// wildcards, or a number).
func Eq(selector string, v any) Cond { return compare(selector, "=", v) }

// Ne matches when the selector differs from v.
func Ne(selector string, v any) Cond { return compare(selector, "!=", v) }

// Lt matches when the selector is a number below v.
func Lt(selector string, v any) Cond { return compare(selector, "<", v) }

// Le matches when the selector is a number at most v.
func Le(selector string, v any) Cond { return compare(selector, "<=", v) }

// Gt matches when the selector is a number above v.
func Gt(selector string, v any) Cond { return compare(selector, ">", v) }

// Ge matches when the selector is a number at least v.
func Ge(selector string, v any) Cond { return compare(selector, ">=", v) }

// Matches matches when the selector matches the regular expression, which
// CloudWatch writes between percent signs.
func Matches(selector, regex string) Cond {
	return Cond{selector: selector, cmp: "=", value: "%" + regex + "%"}
}

// IsNull matches when the selector holds JSON null.
func IsNull(selector string) Cond { return Cond{selector: selector, cmp: "IS", value: "NULL"} }

// IsTrue matches when the selector holds JSON true.
func IsTrue(selector string) Cond { return Cond{selector: selector, cmp: "IS", value: "TRUE"} }

// IsFalse matches when the selector holds JSON false.
func IsFalse(selector string) Cond { return Cond{selector: selector, cmp: "IS", value: "FALSE"} }

// NotExists matches when the event lacks the selector.
func NotExists(selector string) Cond { return Cond{selector: selector, cmp: "NOT EXISTS"} }

// FieldRef names a positional field of a space-delimited pattern.
type FieldRef struct{ name string }

// Field starts a condition on a space-delimited field.
func Field(name string) FieldRef { return FieldRef{name: name} }

// FieldCond is a field with a condition, for Space.
type FieldCond struct {
	name, op, value string
}

func (f FieldCond) String() string { return f.name + " " + f.op + " " + f.value }

// Like matches when the field equals value, where '*' is a wildcard, e.g.
// "ERROR*". The value is written bare, as in the AWS docs.
func (f FieldRef) Like(value string) FieldCond {
	v := value
	if v == "" || strings.ContainsAny(v, " \t,[]\"") {
		v = strconv.Quote(v)
	}
	return FieldCond{name: f.name, op: "=", value: v}
}

// Eq matches when the field equals v.
func (f FieldRef) Eq(v any) FieldCond { return FieldCond{name: f.name, op: "=", value: literal(v)} }

// Ne matches when the field differs from v.
func (f FieldRef) Ne(v any) FieldCond { return FieldCond{name: f.name, op: "!=", value: literal(v)} }

// Ge matches when the field is a number at least v.
func (f FieldRef) Ge(v any) FieldCond { return FieldCond{name: f.name, op: ">=", value: literal(v)} }

// Gt matches when the field is a number above v.
func (f FieldRef) Gt(v any) FieldCond { return FieldCond{name: f.name, op: ">", value: literal(v)} }

// Le matches when the field is a number at most v.
func (f FieldRef) Le(v any) FieldCond { return FieldCond{name: f.name, op: "<=", value: literal(v)} }

// Lt matches when the field is a number below v.
func (f FieldRef) Lt(v any) FieldCond { return FieldCond{name: f.name, op: "<", value: literal(v)} }
