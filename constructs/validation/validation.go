// Package validation collects field errors from props and config so that
// every problem is reported at once, each naming the field path, the bad
// value and what is allowed.
package validation

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is one invalid field.
type FieldError struct {
	// Path is the field path, for example "sampling.rules[2].fixedRate".
	Path string
	// Value is the offending value.
	Value any
	// Allowed says what would be accepted.
	Allowed string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s is not allowed; %s", e.Path, formatValue(e.Value), e.Allowed)
}

func formatValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case nil:
		return "<empty>"
	default:
		return fmt.Sprintf("%v", v)
	}
}

// Errors accumulates field errors. The zero value is ready to use.
type Errors struct {
	list []*FieldError
}

// Add records that the field at path holds value, and what is allowed.
// allowed may be a format string.
func (e *Errors) Add(path string, value any, allowed string, args ...any) {
	if len(args) > 0 {
		allowed = fmt.Sprintf(allowed, args...)
	}
	e.list = append(e.list, &FieldError{Path: path, Value: value, Allowed: allowed})
}

// Merge adds every field error found in err (as returned by Err) with
// prefix prepended to its path. Other errors become a FieldError at prefix.
func (e *Errors) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	for _, fe := range Fields(err) {
		e.list = append(e.list, &FieldError{Path: Join(prefix, fe.Path), Value: fe.Value, Allowed: fe.Allowed})
	}
}

// Len reports how many errors were recorded.
func (e *Errors) Len() int { return len(e.list) }

// Err returns nil when nothing was recorded, else an error that lists
// every field error, one per line.
func (e *Errors) Err() error {
	if len(e.list) == 0 {
		return nil
	}
	errs := make([]error, len(e.list))
	for i, fe := range e.list {
		errs[i] = fe
	}
	return errors.Join(errs...)
}

// Fields unpacks the field errors inside err. An error that is not a
// FieldError is returned as one with an empty path.
func Fields(err error) []*FieldError {
	if err == nil {
		return nil
	}
	if multi, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*FieldError
		for _, e := range multi.Unwrap() {
			out = append(out, Fields(e)...)
		}
		return out
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return []*FieldError{fe}
	}
	return []*FieldError{{Path: "", Value: nil, Allowed: err.Error()}}
}

// Join joins path segments with dots, skipping empty ones; an index
// segment such as "[3]" attaches without a dot.
func Join(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// Index formats a slice element path, e.g. Index("rules", 2) = "rules[2]".
func Index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// Key formats a map element path, e.g. Key("services", "checkout-api").
func Key(path, key string) string { return fmt.Sprintf("%s[%q]", path, key) }
