package logtiers

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// RetentionGuardProps configures the retention Aspect.
type RetentionGuardProps struct {
	// DefaultDays is set on every log group without a retention (which
	// CloudFormation would create never-expiring), one of CloudWatch's
	// allowed values. Default: 0, strict mode: such a group is a synth
	// error instead. Note that CDK renders an L2 LogGroup with
	// RetentionDays.INFINITE exactly like a group without retention, so
	// with a DefaultDays such a group also gets the default; list it in
	// AllowNeverExpire to keep it forever.
	DefaultDays int
	// MaxDays, when set, makes a longer retention a synth error. Default:
	// 0 (no cap).
	MaxDays int
	// AllowNeverExpire lists the log groups allowed to keep data forever,
	// by log group name, or by construct path for groups without a literal
	// name; '*' matches any run of characters. Default: none.
	AllowNeverExpire []string
}

// Validate checks the props.
func (p RetentionGuardProps) Validate() error {
	var v validation.Errors
	if p.DefaultDays != 0 && !retention.Valid(p.DefaultDays) {
		v.Add("defaultDays", p.DefaultDays, "0 (strict) or %s", retention.Allowed(p.DefaultDays))
	}
	if p.MaxDays != 0 && !retention.Valid(p.MaxDays) {
		v.Add("maxDays", p.MaxDays, "0 (no cap) or %s", retention.Allowed(p.MaxDays))
	}
	if p.MaxDays != 0 && p.DefaultDays > p.MaxDays {
		v.Add("defaultDays", p.DefaultDays, "at most maxDays (%d)", p.MaxDays)
	}
	for i, a := range p.AllowNeverExpire {
		if strings.TrimSpace(a) == "" {
			v.Add(validation.Index("allowNeverExpire", i), a, "a log group name or construct path")
		}
	}
	return v.Err()
}

// RetentionGuard is an Aspect that visits every AWS::Logs::LogGroup in the
// scope it is applied to (L1 groups, L2 groups, those golambda creates for
// functions and those CDK creates internally) and enforces a retention.
type RetentionGuard struct {
	props RetentionGuardProps
	allow []*regexp.Regexp
	// Defaulted lists the paths of groups that received DefaultDays.
	Defaulted []string
	// Violations lists the error messages added, for tests and reports.
	Violations []string
}

// NewRetentionGuard validates props and returns the Aspect; call Apply.
func NewRetentionGuard(props RetentionGuardProps) (*RetentionGuard, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("logtiers retention guard: %w", err)
	}
	g := &RetentionGuard{props: props}
	for _, a := range props.AllowNeverExpire {
		parts := strings.Split(a, "*")
		for i, part := range parts {
			parts[i] = regexp.QuoteMeta(part)
		}
		g.allow = append(g.allow, regexp.MustCompile("^"+strings.Join(parts, ".*")+"$"))
	}
	return g, nil
}

// Apply adds the guard to scope (usually the app) so it runs at synth.
// It mutates (sets defaults), so it runs with CDK's mutating priority,
// before read-only aspects such as cdk-nag.
func (g *RetentionGuard) Apply(scope constructs.IConstruct) {
	awscdk.Aspects_Of(scope).Add(g, &awscdk.AspectOptions{Priority: awscdk.AspectPriority_MUTATING()})
}

func (g *RetentionGuard) allowed(name, path string) bool {
	for _, re := range g.allow {
		if (name != "" && re.MatchString(name)) || re.MatchString(path) {
			return true
		}
	}
	return false
}

// Visit checks one construct.
func (g *RetentionGuard) Visit(node constructs.IConstruct) {
	cfn, ok := node.(awscdk.CfnResource)
	if !ok || *cfn.CfnResourceType() != "AWS::Logs::LogGroup" {
		return
	}
	lg, ok := node.(awslogs.CfnLogGroup)
	if !ok {
		g.fail(node, *node.Node().Path()+" is an AWS::Logs::LogGroup the guard cannot read; create it with awslogs so its retention can be checked")
		return
	}
	path := *node.Node().Path()
	name := ""
	if n := lg.LogGroupName(); n != nil && !unresolved(*n) {
		name = *n
	}
	label := path
	if name != "" {
		label = fmt.Sprintf("%s (%s)", name, path)
	}
	days := lg.RetentionInDays()
	switch {
	case days == nil:
		if g.allowed(name, path) {
			return
		}
		if g.props.DefaultDays != 0 {
			lg.SetRetentionInDays(jsii.Number(float64(g.props.DefaultDays)))
			g.Defaulted = append(g.Defaulted, path)
			return
		}
		g.fail(node, fmt.Sprintf("log group %s never expires: set RetentionInDays (one of %v) or allow it by name in RetentionGuardProps.AllowNeverExpire", label, retention.AllowedDays))
	case unresolved(days):
		// A retention computed at deploy time cannot be checked here.
	case !retention.Valid(int(*days)):
		g.fail(node, fmt.Sprintf("log group %s has RetentionInDays %v, which CloudWatch Logs rejects: use %s", label, *days, retention.Allowed(int(*days))))
	case g.props.MaxDays != 0 && int(*days) > g.props.MaxDays:
		g.fail(node, fmt.Sprintf("log group %s keeps data %v days, more than the maximum of %d", label, *days, g.props.MaxDays))
	}
}

func (g *RetentionGuard) fail(node constructs.IConstruct, msg string) {
	msg = "[retention guard] " + msg
	g.Violations = append(g.Violations, msg)
	awscdk.Annotations_Of(node).AddError(jsii.String(msg))
}
