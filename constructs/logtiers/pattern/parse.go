package pattern

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxRegexPerPattern is how many %regex% terms CloudWatch Logs accepts in
// one JSON or space-delimited pattern.
const MaxRegexPerPattern = 2

var (
	// selectorRE is a JSON property selector: $ followed by .name, .* or
	// [index] steps.
	selectorRE = regexp.MustCompile(`^\$(\.([A-Za-z0-9_@\-]+|\*)|\[([0-9]+|\*)\])+$`)
	// fieldRE is a space-delimited field name.
	fieldRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_\-]*$`)
	numberRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	// bareRE is an unquoted comparison value.
	bareRE = regexp.MustCompile(`^[A-Za-z0-9_.*:/@\-]+$`)
	// regexCharsRE is what CloudWatch allows between % signs: letters,
	// digits, the symbols _ # = @ / ; , - and the operators ^ $ ? [ ] { }
	// | \ * + . (no parentheses, no multi-byte characters).
	regexCharsRE = regexp.MustCompile(`^[A-Za-z0-9_#=@/;,\-^$?\[\]{}|\\*+. ]+$`)
)

// Parse checks a filter pattern and returns it with its selectors or
// fields. It rejects unbalanced braces, brackets, parentheses and quotes,
// malformed selectors, unknown operators, order comparisons with
// non-numbers, and regexes CloudWatch does not support.
func Parse(text string) (Pattern, error) {
	p := Pattern{text: text}
	if len(text) > MaxLength {
		return p, fmt.Errorf("pattern is %d characters; CloudWatch Logs accepts at most %d", len(text), MaxLength)
	}
	if !utf8.ValidString(text) {
		return p, fmt.Errorf("pattern %q is not valid UTF-8", text)
	}
	s := &scanner{src: text}
	s.skipSpace()
	var err error
	switch {
	case s.peek("{"):
		p.kind = KindJSON
		var c Cond
		c, err = s.json()
		if err == nil {
			p.cond = &c
			p.selectors = s.selectors
		}
	case s.peek("["):
		p.kind = KindSpace
		err = s.space()
		p.fields = s.fields
	default:
		p.kind = KindTerms
		err = s.terms()
	}
	if err == nil && s.regexes > MaxRegexPerPattern && p.kind != KindTerms {
		err = fmt.Errorf("%d regular expressions; CloudWatch Logs accepts at most %d in one %s pattern", s.regexes, MaxRegexPerPattern, p.kind)
	}
	if err != nil {
		return Pattern{text: text, kind: p.kind}, fmt.Errorf("pattern %q: %w", text, err)
	}
	p.regexes = s.regexes
	return p, nil
}

// HasRegex reports whether the pattern uses a %regex% term; CloudWatch
// Logs allows at most 5 such filter patterns per log group.
func (p Pattern) HasRegex() bool { return p.regexes > 0 }

type scanner struct {
	src       string
	pos       int
	selectors []string
	fields    []string
	regexes   int
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("at offset %d: "+format, append([]any{s.pos}, args...)...)
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t' || s.src[s.pos] == '\n' || s.src[s.pos] == '\r') {
		s.pos++
	}
}

func (s *scanner) eof() bool { return s.pos >= len(s.src) }

func (s *scanner) peek(tok string) bool { return strings.HasPrefix(s.src[s.pos:], tok) }

// accept consumes tok (after spaces) if it is next.
func (s *scanner) accept(tok string) bool {
	s.skipSpace()
	if s.peek(tok) {
		s.pos += len(tok)
		return true
	}
	return false
}

func (s *scanner) expect(tok string) error {
	if !s.accept(tok) {
		if s.eof() {
			return s.errorf("expected %q but the pattern ended (unbalanced?)", tok)
		}
		return s.errorf("expected %q, found %q", tok, s.rest())
	}
	return nil
}

func (s *scanner) rest() string {
	r := s.src[s.pos:]
	if len(r) > 20 {
		r = r[:20] + "..."
	}
	return r
}

// word reads up to the next space or one of stop.
func (s *scanner) word(stop string) string {
	start := s.pos
	for s.pos < len(s.src) && !strings.ContainsRune(" \t\r\n"+stop, rune(s.src[s.pos])) {
		s.pos++
	}
	return s.src[start:s.pos]
}

// quoted reads a double-quoted string with backslash escapes, returning
// the raw text including the quotes.
func (s *scanner) quoted() (string, error) {
	start := s.pos
	s.pos++ // opening quote
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case '\\':
			s.pos += 2
			continue
		case '"':
			s.pos++
			return s.src[start:s.pos], nil
		}
		s.pos++
	}
	s.pos = start
	return "", s.errorf("unterminated quoted string")
}

// regex reads %...% and checks CloudWatch's allowed characters.
func (s *scanner) regex() (string, error) {
	start := s.pos
	end := strings.IndexByte(s.src[s.pos+1:], '%')
	if end < 0 {
		return "", s.errorf("unterminated regular expression (missing closing %%)")
	}
	body := s.src[s.pos+1 : s.pos+1+end]
	s.pos += end + 2
	if body == "" {
		return "", fmt.Errorf("at offset %d: empty regular expression", start)
	}
	if !regexCharsRE.MatchString(body) {
		return "", fmt.Errorf("at offset %d: regular expression %%%s%% uses a character CloudWatch Logs does not support (allowed: letters, digits, _ # = @ / ; , - and ^ $ ? [ ] { } | \\ * + .; no parentheses)", start, body)
	}
	s.regexes++
	return "%" + body + "%", nil
}

func (s *scanner) json() (Cond, error) {
	if err := s.expect("{"); err != nil {
		return Cond{}, err
	}
	c, err := s.or()
	if err != nil {
		return Cond{}, err
	}
	if err := s.expect("}"); err != nil {
		return Cond{}, err
	}
	s.skipSpace()
	if !s.eof() {
		return Cond{}, s.errorf("unexpected %q after the closing brace", s.rest())
	}
	return c, nil
}

func (s *scanner) or() (Cond, error) {
	left, err := s.and()
	for err == nil && s.accept("||") {
		var right Cond
		if right, err = s.and(); err == nil {
			left = left.Or(right)
		}
	}
	return left, err
}

func (s *scanner) and() (Cond, error) {
	left, err := s.unary()
	for err == nil && s.accept("&&") {
		var right Cond
		if right, err = s.unary(); err == nil {
			left = left.And(right)
		}
	}
	return left, err
}

func (s *scanner) unary() (Cond, error) {
	if s.accept("(") {
		c, err := s.or()
		if err != nil {
			return Cond{}, err
		}
		return c, s.expect(")")
	}
	return s.comparison()
}

func (s *scanner) comparison() (Cond, error) {
	s.skipSpace()
	if !s.peek("$") {
		if s.eof() {
			return Cond{}, s.errorf("expected a selector such as $.level but the pattern ended")
		}
		return Cond{}, s.errorf("expected a selector such as $.level, found %q", s.rest())
	}
	at := s.pos
	sel := s.word("=!<>)}&|")
	if !selectorRE.MatchString(sel) {
		return Cond{}, fmt.Errorf("at offset %d: selector %q is malformed; use $.field, $.a.b, $.list[0] or $.a.*", at, sel)
	}
	s.selectors = append(s.selectors, sel)
	s.skipSpace()
	for _, op := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if s.accept(op) {
			v, numeric, err := s.value()
			if err != nil {
				return Cond{}, err
			}
			if op != "=" && op != "!=" && !numeric {
				return Cond{}, s.errorf("%s %s needs a number, found %s", sel, op, v)
			}
			return Cond{selector: sel, cmp: op, value: v}, nil
		}
	}
	if s.accept("IS") {
		s.skipSpace()
		w := s.word(")}&|")
		if w != "NULL" && w != "TRUE" && w != "FALSE" {
			return Cond{}, s.errorf("%s IS must be followed by NULL, TRUE or FALSE, found %q", sel, w)
		}
		return Cond{selector: sel, cmp: "IS", value: w}, nil
	}
	if s.accept("NOT") {
		s.skipSpace()
		if w := s.word(")}&|"); w != "EXISTS" {
			return Cond{}, s.errorf("%s NOT must be followed by EXISTS, found %q", sel, w)
		}
		return Cond{selector: sel, cmp: "NOT EXISTS"}, nil
	}
	return Cond{}, s.errorf("expected an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after %s, found %q", sel, s.rest())
}

// value reads a comparison value and reports whether it is a number.
func (s *scanner) value() (string, bool, error) {
	s.skipSpace()
	switch {
	case s.eof():
		return "", false, s.errorf("expected a value but the pattern ended")
	case s.peek(`"`):
		v, err := s.quoted()
		return v, false, err
	case s.peek("%"):
		v, err := s.regex()
		return v, false, err
	}
	at := s.pos
	w := s.word(",]})&|")
	switch {
	case w == "":
		return "", false, s.errorf("expected a value, found %q", s.rest())
	case numberRE.MatchString(w):
		return w, true, nil
	case bareRE.MatchString(w):
		return w, false, nil
	}
	return "", false, fmt.Errorf("at offset %d: value %q must be quoted", at, w)
}

func (s *scanner) space() error {
	if err := s.expect("["); err != nil {
		return err
	}
	if s.accept("]") {
		return s.errorf("a space-delimited pattern needs at least one field")
	}
	seen := map[string]bool{}
	for {
		if err := s.spaceField(seen); err != nil {
			return err
		}
		if s.accept(",") {
			continue
		}
		if err := s.expect("]"); err != nil {
			return err
		}
		break
	}
	s.skipSpace()
	if !s.eof() {
		return s.errorf("unexpected %q after the closing bracket", s.rest())
	}
	return nil
}

// spaceField reads "...", "name" or "name op value" joined by && / ||.
func (s *scanner) spaceField(seen map[string]bool) error {
	if s.accept("...") {
		return nil
	}
	for {
		s.skipSpace()
		at := s.pos
		name := s.word("=!<>,]&|")
		if !fieldRE.MatchString(name) {
			if name == "" {
				return s.errorf("expected a field name, found %q", s.rest())
			}
			return fmt.Errorf("at offset %d: field name %q must start with a letter or _ and hold letters, digits, _ or -", at, name)
		}
		if !seen[name] {
			seen[name] = true
			s.fields = append(s.fields, name)
		}
		s.skipSpace()
		matched := false
		for _, op := range []string{"!=", "<=", ">=", "=", "<", ">"} {
			if s.accept(op) {
				v, numeric, err := s.value()
				if err != nil {
					return err
				}
				if op != "=" && op != "!=" && !numeric {
					return s.errorf("%s %s needs a number, found %s", name, op, v)
				}
				matched = true
				break
			}
		}
		if !matched || !(s.accept("&&") || s.accept("||")) {
			return nil
		}
	}
}

func (s *scanner) terms() error {
	qualifier := ""
	for {
		s.skipSpace()
		if s.eof() {
			return nil
		}
		switch {
		case s.peek(`"`):
			at := s.pos
			w, err := s.quoted()
			if err != nil {
				return err
			}
			if qualifier == "?" {
				return fmt.Errorf("at offset %d: %s mixes a required term with ? terms; CloudWatch Logs ignores ? terms then, so use only ? terms or none", at, w)
			}
			qualifier = "plain"
			continue
		case s.peek("%"):
			if _, err := s.regex(); err != nil {
				return err
			}
			continue
		}
		at := s.pos
		w := s.word(`"`)
		if strings.ContainsAny(w, "{}[]()") {
			return fmt.Errorf("at offset %d: term %q holds a brace, bracket or parenthesis; a JSON pattern starts with { and a space-delimited one with [, and a literal term with such characters must be quoted", at, w)
		}
		if strings.HasPrefix(w, "?") || strings.HasPrefix(w, "-") {
			if len(w) == 1 {
				if !s.peek(`"`) {
					return fmt.Errorf("at offset %d: %q must be followed by a term", at, w)
				}
				if _, err := s.quoted(); err != nil {
					return err
				}
			}
			if strings.HasPrefix(w, "?") {
				if qualifier == "plain" {
					return fmt.Errorf("at offset %d: ?%s mixes optional terms with required ones; CloudWatch Logs ignores ? terms then, so use only ? terms or none", at, w[1:])
				}
				qualifier = "?"
			}
			continue
		}
		if qualifier == "?" {
			return fmt.Errorf("at offset %d: %s mixes a required term with ? terms; CloudWatch Logs ignores ? terms then, so use only ? terms or none", at, w)
		}
		qualifier = "plain"
	}
}
