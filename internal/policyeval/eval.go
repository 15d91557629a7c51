package policyeval

import (
	"fmt"
	"maps"
	"strings"
)

// Principal is who makes a request: an IAM role session (RoleARN) or an
// AWS service (Service).
type Principal struct {
	// RoleARN is the role whose session calls, arn:aws:iam::<account>:role/<name>.
	RoleARN string
	// Service is a service principal such as firehose.amazonaws.com.
	Service string
	// OrgID is the organization of the role's account ("" for none); it
	// becomes aws:PrincipalOrgID.
	OrgID string
	// Account is derived from RoleARN.
	Account string
}

// RoleSession returns the principal of a session of the role roleARN in the
// organization orgID ("" for none).
func RoleSession(roleARN, orgID string) Principal {
	return Principal{RoleARN: roleARN, OrgID: orgID, Account: ARNAccount(roleARN)}
}

// ServicePrincipal returns a service principal.
func ServicePrincipal(name string) Principal { return Principal{Service: name} }

func (p Principal) partition() string {
	if parts := strings.SplitN(p.RoleARN, ":", 3); len(parts) == 3 {
		return parts[1]
	}
	return ""
}

func (p Principal) String() string {
	if p.Service != "" {
		return p.Service
	}
	return p.RoleARN
}

// Kind is the kind of resource policy, which decides whether it is
// required in the resource's own account.
type Kind int

const (
	// Generic resource policies (S3 buckets, SNS topics, SQS queues, OAM
	// sinks): in the same account either the identity or the resource
	// policy may allow.
	Generic Kind = iota
	// KeyPolicy of a KMS key: required in every account; identity
	// policies count only where it names the account.
	KeyPolicy
	// TrustPolicy of an IAM role: like a key policy, for sts:AssumeRole.
	TrustPolicy
)

// Request is one API request to evaluate.
type Request struct {
	Principal Principal
	Action    string
	// Resource is the ARN acted on.
	Resource string
	// ResourceAccount owns the resource; default: the ARN's account field
	// (S3 ARNs have none and need it set).
	ResourceAccount string
	// Context holds condition keys; aws:PrincipalArn, aws:PrincipalAccount
	// and aws:PrincipalOrgID are added from Principal unless set here.
	Context map[string][]string
}

// Input is what AWS evaluates for a request.
type Input struct {
	// Identity are the principal's identity-based policies.
	Identity []*Policy
	// Resource is the resource's policy (nil: none).
	Resource *Policy
	Kind     Kind
}

// Match is a statement that applied to a request, with the elements that
// matched it.
type Match struct {
	Statement *Statement
	// Principal is the principal entry that named the caller ("*",
	// "service:<name>" or the ARN or account id), "" in identity policies.
	Principal string
	// Action and Resource are the entries that matched ("" for NotAction
	// and NotResource, and for a trust policy's absent Resource).
	Action, Resource string
	kind             matchKind
}

// Decision is the outcome of an evaluation.
type Decision struct {
	Allowed bool
	// Reason explains the outcome in one line.
	Reason string
	// Denies are the Deny statements that applied; Allows the Allow
	// statements that the decision relied on.
	Denies, Allows []Match
}

// Evaluate decides req against in.
func Evaluate(in Input, req Request) (Decision, error) {
	who := req.Principal
	if (who.RoleARN == "") == (who.Service == "") {
		return Decision{}, fmt.Errorf("request principal %+v: set exactly one of RoleARN and Service", who)
	}
	if who.RoleARN != "" {
		if parts := strings.SplitN(who.RoleARN, ":", 6); len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") || !isAccountID(parts[4]) {
			return Decision{}, fmt.Errorf("request principal %q is not a role ARN", who.RoleARN)
		}
		who.Account = ARNAccount(who.RoleARN)
	}
	if req.ResourceAccount == "" {
		req.ResourceAccount = ARNAccount(req.Resource)
	}
	if !isAccountID(req.ResourceAccount) {
		return Decision{}, fmt.Errorf("resource %q: no account; set ResourceAccount", req.Resource)
	}
	ctx := maps.Clone(req.Context)
	if ctx == nil {
		ctx = map[string][]string{}
	}
	setDefault := func(k, v string) {
		if _, ok := lookup(ctx, k); !ok && v != "" {
			ctx[k] = []string{v}
		}
	}
	if who.RoleARN != "" {
		setDefault("aws:PrincipalArn", who.RoleARN)
		setDefault("aws:PrincipalAccount", who.Account)
		setDefault("aws:PrincipalOrgID", who.OrgID)
	} else {
		setDefault("aws:PrincipalServiceName", who.Service)
	}
	req.Context = ctx

	var d Decision
	var idAllows, resAllows []Match
	// collect sorts the statements of p that apply into allows and d.Denies.
	collect := func(p *Policy, allows *[]Match, check func(*Statement) error) error {
		for _, s := range p.Statements {
			if err := check(s); err != nil {
				return err
			}
			m, ok, err := s.applies(req, who)
			switch {
			case err != nil:
				return fmt.Errorf("%s: %w", s, err)
			case ok && s.Allow:
				*allows = append(*allows, m)
			case ok:
				d.Denies = append(d.Denies, m)
			}
		}
		return nil
	}
	if who.RoleARN != "" {
		for _, p := range in.Identity {
			if err := collect(p, &idAllows, func(s *Statement) error {
				if s.Principal != nil || s.NotPrincipal != nil {
					return fmt.Errorf("%s: an identity policy statement has a principal", s)
				}
				if s.Resource == nil && s.NotResource == nil {
					return fmt.Errorf("%s: an identity policy statement needs Resource or NotResource", s)
				}
				return nil
			}); err != nil {
				return Decision{}, err
			}
		}
	}
	if in.Resource != nil {
		if err := collect(in.Resource, &resAllows, func(s *Statement) error {
			if s.Principal == nil && s.NotPrincipal == nil {
				return fmt.Errorf("%s: a resource policy statement needs Principal or NotPrincipal", s)
			}
			return nil
		}); err != nil {
			return Decision{}, err
		}
	}
	if len(d.Denies) > 0 {
		d.Reason = "explicit deny by " + d.Denies[0].Statement.String()
		return d, nil
	}
	var resDirect []Match
	for _, m := range resAllows {
		if m.kind == direct {
			resDirect = append(resDirect, m)
		}
	}
	switch {
	case who.Service != "":
		// A service principal has no identity policy here.
		d.Allowed, d.Allows = len(resDirect) > 0, resDirect
		d.Reason = "service principal: the resource policy decides"
	case who.Account != req.ResourceAccount:
		d.Allowed = len(idAllows) > 0 && len(resAllows) > 0
		d.Reason = fmt.Sprintf("cross-account (%s to %s): identity policy allows %t, resource policy allows %t",
			who.Account, req.ResourceAccount, len(idAllows) > 0, len(resAllows) > 0)
		if d.Allowed {
			d.Allows = append(idAllows, resAllows...)
		}
	case in.Kind == KeyPolicy || in.Kind == TrustPolicy:
		// The key or trust policy is required; naming the account lets
		// the identity policies decide.
		switch {
		case len(resDirect) > 0:
			d.Allowed, d.Allows = true, resDirect
		case len(resAllows) > 0 && len(idAllows) > 0:
			d.Allowed, d.Allows = true, append(idAllows, resAllows...)
		}
		d.Reason = fmt.Sprintf("same account, %s required: it names the caller %t, the account %t; identity policy allows %t",
			map[Kind]string{KeyPolicy: "key policy", TrustPolicy: "trust policy"}[in.Kind], len(resDirect) > 0, len(resAllows) > len(resDirect), len(idAllows) > 0)
	default:
		switch {
		case len(idAllows) > 0:
			d.Allowed, d.Allows = true, idAllows
		case len(resDirect) > 0:
			d.Allowed, d.Allows = true, resDirect
		}
		d.Reason = fmt.Sprintf("same account: identity policy allows %t, resource policy grants the caller %t", len(idAllows) > 0, len(resDirect) > 0)
	}
	if !d.Allowed {
		d.Allows = nil
		d.Reason = "implicit deny; " + d.Reason
	}
	return d, nil
}

// applies reports whether s applies to req, and what matched.
func (s *Statement) applies(req Request, who Principal) (Match, bool, error) {
	m := Match{Statement: s, kind: direct}
	switch {
	case s.Principal != nil:
		k, err := matchPrincipals(s.Principal, who)
		if err != nil || k == noMatch {
			return m, false, err
		}
		m.kind, m.Principal = k, principalEntry(s.Principal, who)
	case s.NotPrincipal != nil:
		k, err := matchPrincipals(s.NotPrincipal, who)
		if err != nil || k != noMatch {
			return m, false, err
		}
		m.Principal = "not:" + who.String()
	}
	switch {
	case s.Action != nil:
		for _, a := range s.Action {
			if MatchAction(a, req.Action) {
				m.Action = a
				break
			}
		}
		if m.Action == "" {
			return m, false, nil
		}
	default:
		for _, a := range s.NotAction {
			if MatchAction(a, req.Action) {
				return m, false, nil
			}
		}
	}
	// matches resolves r's policy variables from the request first. AWS
	// documents only that an unresolved variable "might cause the entire
	// statement to be invalid", so one is an error here, not a guess.
	matches := func(r string) (bool, error) {
		p, err := substitute(r, req.Context)
		if err != nil {
			return false, err
		}
		return MatchARN(p, req.Resource), nil
	}
	switch {
	case s.Resource != nil:
		for _, r := range s.Resource {
			ok, err := matches(r)
			if err != nil {
				return m, false, err
			}
			if ok {
				m.Resource = r
				break
			}
		}
		if m.Resource == "" {
			return m, false, nil
		}
	case s.NotResource != nil:
		for _, r := range s.NotResource {
			ok, err := matches(r)
			if err != nil {
				return m, false, err
			}
			if ok {
				return m, false, nil
			}
		}
	}
	for _, c := range s.Conditions {
		ok, err := c.holds(req.Context)
		if err != nil || !ok {
			return m, false, err
		}
	}
	return m, true, nil
}

// principalEntry is the entry of p that names who, preferring the most
// direct one.
func principalEntry(p *Principals, who Principal) string {
	if p.Any {
		return "*"
	}
	if who.Service != "" {
		return "service:" + who.Service
	}
	best := ""
	for _, a := range p.AWS {
		one := &Principals{AWS: []string{a}}
		switch k, _ := matchPrincipals(one, who); k {
		case direct:
			return a
		case viaAccount:
			best = a
		}
	}
	return best
}
