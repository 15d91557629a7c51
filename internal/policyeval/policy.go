package policyeval

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Policy is a parsed policy document.
type Policy struct {
	// Name says where the policy comes from (stack, logical id, kind),
	// for messages.
	Name       string
	Statements []*Statement
}

// Statement is one statement of a policy.
type Statement struct {
	// Policy is the policy the statement belongs to, Index its position.
	Policy *Policy
	Index  int
	Sid    string
	Allow  bool
	// Principal and NotPrincipal are nil when absent (identity policies).
	Principal, NotPrincipal *Principals
	Action, NotAction       []string
	// Resource and NotResource are both nil in a trust policy.
	Resource, NotResource []string
	Conditions            []Condition
}

// String names the statement for messages: policy, index and Sid.
func (s *Statement) String() string {
	sid := ""
	if s.Sid != "" {
		sid = " (" + s.Sid + ")"
	}
	return fmt.Sprintf("%s statement %d%s", s.Policy.Name, s.Index, sid)
}

// Principals is a Principal or NotPrincipal element.
type Principals struct {
	// Any is "*" (or {"AWS": "*"}).
	Any          bool
	AWS, Service []string
}

// Condition is one operator-key pair of a Condition element; its values
// are alternatives.
type Condition struct {
	Operator, Key string
	Values        []string
}

// ParseJSON parses a policy document given as JSON text.
func ParseJSON(name string, doc []byte) (*Policy, error) {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return Parse(name, v)
}

// Parse parses a resolved policy document (a JSON value without intrinsic
// functions). Unknown elements and unsupported forms are errors.
func Parse(name string, doc any) (*Policy, error) {
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: policy document is %T, want an object", name, doc)
	}
	p := &Policy{Name: name}
	for k := range m {
		if k != "Version" && k != "Statement" && k != "Id" {
			return nil, fmt.Errorf("%s: unknown policy element %q", name, k)
		}
	}
	var stmts []any
	switch s := m["Statement"].(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	default:
		return nil, fmt.Errorf("%s: Statement is %T, want an object or a list", name, m["Statement"])
	}
	for i, raw := range stmts {
		st, err := parseStatement(p, i, raw)
		if err != nil {
			return nil, fmt.Errorf("%s statement %d: %w", name, i, err)
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func parseStatement(p *Policy, i int, raw any) (*Statement, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("statement is %T, want an object", raw)
	}
	s := &Statement{Policy: p, Index: i}
	var err error
	for k, v := range m {
		switch k {
		case "Sid":
			s.Sid, _ = v.(string)
		case "Effect":
			switch v {
			case "Allow":
				s.Allow = true
			case "Deny":
			default:
				return nil, fmt.Errorf("Effect %v: want Allow or Deny", v)
			}
		case "Principal":
			s.Principal, err = parsePrincipals(v)
		case "NotPrincipal":
			s.NotPrincipal, err = parsePrincipals(v)
		case "Action":
			s.Action, err = stringList(v)
		case "NotAction":
			s.NotAction, err = stringList(v)
		case "Resource":
			s.Resource, err = stringList(v)
		case "NotResource":
			s.NotResource, err = stringList(v)
		case "Condition":
			s.Conditions, err = parseConditions(v)
		default:
			return nil, fmt.Errorf("unknown statement element %q", k)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
	}
	if _, ok := m["Effect"]; !ok {
		return nil, fmt.Errorf("no Effect")
	}
	if (s.Action == nil) == (s.NotAction == nil) {
		return nil, fmt.Errorf("exactly one of Action and NotAction is required")
	}
	if s.Resource != nil && s.NotResource != nil {
		return nil, fmt.Errorf("both Resource and NotResource")
	}
	if s.Principal != nil && s.NotPrincipal != nil {
		return nil, fmt.Errorf("both Principal and NotPrincipal")
	}
	for _, l := range [][]string{s.Action, s.NotAction} {
		for _, x := range l {
			if strings.Contains(x, "${") {
				return nil, fmt.Errorf("%q: policy variables are allowed only in Resource and NotResource", x)
			}
		}
	}
	for _, l := range [][]string{s.Resource, s.NotResource} {
		for _, x := range l {
			if err := checkVariables(x); err != nil {
				return nil, fmt.Errorf("%q: %w", x, err)
			}
		}
	}
	return s, nil
}

func parsePrincipals(v any) (*Principals, error) {
	if v == "*" {
		return &Principals{Any: true}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%v: want \"*\" or an object", v)
	}
	p := &Principals{}
	for k, raw := range m {
		l, err := stringList(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		switch k {
		case "AWS":
			for _, a := range l {
				switch {
				case a == "*":
					p.Any = true
				case strings.ContainsAny(a, "*?"):
					// The Principal element takes no partial wildcards.
					return nil, fmt.Errorf("AWS principal %q: wildcards other than \"*\" are not valid", a)
				default:
					p.AWS = append(p.AWS, a)
				}
			}
		case "Service":
			p.Service = append(p.Service, l...)
		default:
			return nil, fmt.Errorf("principal type %q is not implemented", k)
		}
	}
	return p, nil
}

func parseConditions(v any) ([]Condition, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%T: want an object", v)
	}
	var out []Condition
	for _, op := range sortedKeys(m) {
		keys, ok := m[op].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: %T, want an object", op, m[op])
		}
		if _, _, _, err := splitOperator(op); err != nil {
			return nil, err
		}
		for _, key := range sortedKeys(keys) {
			vals, err := stringList(keys[key])
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", op, key, err)
			}
			for _, v := range vals {
				if strings.Contains(v, "${") {
					return nil, fmt.Errorf("%s %s: %q: policy variables in condition values are not implemented", op, key, v)
				}
			}
			out = append(out, Condition{Operator: op, Key: key, Values: vals})
		}
	}
	return out, nil
}

// stringList reads a string, bool or number, or a list of them, as
// strings (condition values such as true or 1.2 appear unquoted).
func stringList(v any) ([]string, error) {
	scalar := func(x any) (string, error) {
		switch t := x.(type) {
		case string:
			return t, nil
		case bool:
			return strconv.FormatBool(t), nil
		case float64:
			return strconv.FormatFloat(t, 'f', -1, 64), nil
		case json.Number:
			return t.String(), nil
		}
		return "", fmt.Errorf("value %v (%T) is not a string; unresolved intrinsic function?", x, x)
	}
	if l, ok := v.([]any); ok {
		out := make([]string, 0, len(l))
		for _, x := range l {
			s, err := scalar(x)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
