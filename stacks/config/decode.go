package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// checkShape walks a decoded YAML document against the config types and
// reports, in the user's terms, every key no type declares and every value
// of the wrong kind: the field path, the value, what is allowed and the
// line. yaml.v3's own messages name Go types ("field x not found in type
// logtiers.MetricFilterProps"), which mean nothing to a user.
func checkShape(doc *yaml.Node, t reflect.Type) []string {
	var problems []string
	var walk func(n *yaml.Node, t reflect.Type, path string)
	walk = func(n *yaml.Node, t reflect.Type, path string) {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return // null leaves the zero value, the documented default
		}
		if custom(t) {
			decodeAs(n, t, path, &problems)
			return
		}
		switch t.Kind() {
		case reflect.Pointer:
			walk(n, t.Elem(), path)
		case reflect.Struct:
			if n.Kind != yaml.MappingNode {
				problems = append(problems, fmt.Sprintf("%s: %s is not allowed; a mapping with the keys %s (line %d)", orTop(path), show(n), strings.Join(keyNames(t), ", "), n.Line))
				return
			}
			fields := keys(t)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				ft, ok := fields[k.Value]
				if !ok {
					problems = append(problems, fmt.Sprintf("%s: unknown field %q; allowed: %s (line %d)", orTop(path), k.Value, strings.Join(keyNames(t), ", "), k.Line))
					continue
				}
				walk(v, ft, validation.Join(path, k.Value))
			}
		case reflect.Slice:
			if n.Kind != yaml.SequenceNode {
				problems = append(problems, fmt.Sprintf("%s: %s is not allowed; a list (line %d)", orTop(path), show(n), n.Line))
				return
			}
			for i, item := range n.Content {
				walk(item, t.Elem(), validation.Index(path, i))
			}
		case reflect.Map:
			if n.Kind != yaml.MappingNode {
				problems = append(problems, fmt.Sprintf("%s: %s is not allowed; a mapping (line %d)", orTop(path), show(n), n.Line))
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], t.Elem(), validation.Key(path, n.Content[i].Value))
			}
		default:
			decodeAs(n, t, path, &problems)
		}
	}
	root := doc
	if root.Kind == 0 {
		return nil // an empty document: validation says what is missing
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	walk(root, t, "")
	return problems
}

var (
	durationType  = reflect.TypeFor[time.Duration]()
	timeType      = reflect.TypeFor[time.Time]()
	unmarshalType = reflect.TypeFor[yaml.Unmarshaler]()
)

// custom reports types that decode themselves from a scalar.
func custom(t reflect.Type) bool {
	return t == durationType || t == timeType || reflect.PointerTo(t).Implements(unmarshalType)
}

// decodeAs decodes a leaf on its own and words a failure by the kind of
// value expected.
func decodeAs(n *yaml.Node, t reflect.Type, path string, problems *[]string) {
	err := n.Decode(reflect.New(t).Interface())
	if err == nil {
		return
	}
	allowed := expected(t)
	if _, isTypeErr := err.(*yaml.TypeError); !isTypeErr && t != durationType && t != timeType && custom(t) {
		allowed = err.Error() // a type's own UnmarshalYAML explains itself
	}
	*problems = append(*problems, fmt.Sprintf("%s: %s is not allowed; %s (line %d)", orTop(path), show(n), allowed, n.Line))
}

func expected(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration such as 30s, 5m or 1h"
	case t == timeType:
		return "a timestamp such as 2026-01-31T09:00:00Z"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number of 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a single value (text), not a list or mapping"
	}
	return "a value of the documented form"
}

func show(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

func orTop(path string) string {
	if path == "" {
		return "(top level)"
	}
	return path
}

// keys maps a struct's YAML keys to field types, inline fields included.
func keys(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for _, f := range fieldsOf(t) {
		out[f.name] = f.typ
	}
	return out
}

// keyNames lists a struct's YAML keys in declaration order.
func keyNames(t reflect.Type) []string {
	var out []string
	for _, f := range fieldsOf(t) {
		out = append(out, f.name)
	}
	return out
}

type yamlField struct {
	name string
	typ  reflect.Type
}

func fieldsOf(t reflect.Type) []yamlField {
	var out []yamlField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, fieldsOf(ft)...)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name) // yaml.v3's default key
		}
		out = append(out, yamlField{name: name, typ: f.Type})
	}
	return out
}
