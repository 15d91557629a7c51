package policyeval

import (
	"fmt"
	"strconv"
	"strings"
)

// splitOperator splits ForAllValues:StringLikeIfExists into its set
// qualifier, base operator and IfExists flag.
func splitOperator(op string) (set, base string, ifExists bool, err error) {
	base = op
	if q, rest, ok := strings.Cut(op, ":"); ok {
		if q != "ForAllValues" && q != "ForAnyValue" {
			return "", "", false, fmt.Errorf("condition operator %q: unknown qualifier %q", op, q)
		}
		set, base = q, rest
	}
	if b, ok := strings.CutSuffix(base, "IfExists"); ok && base != "IfExists" {
		base, ifExists = b, true
	}
	if _, ok := operators[base]; !ok {
		return "", "", false, fmt.Errorf("condition operator %q is not implemented", op)
	}
	if base == "Null" && (set != "" || ifExists) {
		return "", "", false, fmt.Errorf("condition operator %q: Null takes no qualifier", op)
	}
	return set, base, ifExists, nil
}

// operator compares one request value with one policy value; negated
// operators are the negation of a positive comparison.
type operator struct {
	match   func(policy, request string) (bool, error)
	negated bool
}

func equal(p, r string) (bool, error)     { return p == r, nil }
func equalFold(p, r string) (bool, error) { return strings.EqualFold(p, r), nil }
func like(p, r string) (bool, error)      { return glob(p, r), nil }
func arnLike(p, r string) (bool, error)   { return MatchARN(p, r), nil }
func boolEqual(p, r string) (bool, error) { return strings.EqualFold(p, r), nil }
func numeric(cmp func(a, b float64) bool) func(p, r string) (bool, error) {
	return func(p, r string) (bool, error) {
		pv, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return false, fmt.Errorf("policy value %q is not a number", p)
		}
		rv, err := strconv.ParseFloat(r, 64)
		if err != nil {
			return false, fmt.Errorf("request value %q is not a number", r)
		}
		return cmp(rv, pv), nil
	}
}

var operators = map[string]operator{
	"StringEquals":              {match: equal},
	"StringNotEquals":           {match: equal, negated: true},
	"StringEqualsIgnoreCase":    {match: equalFold},
	"StringNotEqualsIgnoreCase": {match: equalFold, negated: true},
	"StringLike":                {match: like},
	"StringNotLike":             {match: like, negated: true},
	// ArnEquals and ArnLike behave the same: wildcards per ARN field.
	"ArnEquals":                {match: arnLike},
	"ArnLike":                  {match: arnLike},
	"ArnNotEquals":             {match: arnLike, negated: true},
	"ArnNotLike":               {match: arnLike, negated: true},
	"Bool":                     {match: boolEqual},
	"NumericEquals":            {match: numeric(func(r, p float64) bool { return r == p })},
	"NumericNotEquals":         {match: numeric(func(r, p float64) bool { return r == p }), negated: true},
	"NumericLessThan":          {match: numeric(func(r, p float64) bool { return r < p })},
	"NumericLessThanEquals":    {match: numeric(func(r, p float64) bool { return r <= p })},
	"NumericGreaterThan":       {match: numeric(func(r, p float64) bool { return r > p })},
	"NumericGreaterThanEquals": {match: numeric(func(r, p float64) bool { return r >= p })},
	"Null":                     {},
}

// anyMatch reports whether the request value matches one of the policy
// values (values of one key are alternatives).
func (o operator) anyMatch(values []string, request string) (bool, error) {
	for _, v := range values {
		ok, err := o.match(v, request)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// lookup finds a context key; condition keys are not case-sensitive.
func lookup(ctx map[string][]string, key string) ([]string, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// holds evaluates one condition against the request context.
func (c Condition) holds(ctx map[string][]string) (bool, error) {
	set, base, ifExists, err := splitOperator(c.Operator)
	if err != nil {
		return false, err
	}
	vals, present := lookup(ctx, c.Key)
	present = present && len(vals) > 0
	if base == "Null" {
		if len(c.Values) != 1 || (c.Values[0] != "true" && c.Values[0] != "false") {
			return false, fmt.Errorf("Null %s: value %v, want true or false", c.Key, c.Values)
		}
		return present == (c.Values[0] == "false"), nil
	}
	op := operators[base]
	switch set {
	case "ForAllValues":
		// True when the key is missing; otherwise every request value
		// matches (or, negated, matches none of) the policy values.
		for _, r := range vals {
			ok, err := op.anyMatch(c.Values, r)
			if err != nil {
				return false, fmt.Errorf("%s %s: %w", c.Operator, c.Key, err)
			}
			if ok == op.negated {
				return false, nil
			}
		}
		return true, nil
	case "ForAnyValue":
		for _, r := range vals {
			ok, err := op.anyMatch(c.Values, r)
			if err != nil {
				return false, fmt.Errorf("%s %s: %w", c.Operator, c.Key, err)
			}
			if ok != op.negated {
				return true, nil
			}
		}
		return false, nil
	}
	if !present {
		return ifExists || op.negated, nil
	}
	if len(vals) > 1 {
		return false, fmt.Errorf("%s %s: the request has %d values; a multivalued key needs ForAnyValue or ForAllValues", c.Operator, c.Key, len(vals))
	}
	ok, err := op.anyMatch(c.Values, vals[0])
	if err != nil {
		return false, fmt.Errorf("%s %s: %w", c.Operator, c.Key, err)
	}
	return ok != op.negated, nil
}
