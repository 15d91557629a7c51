package sampling

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Rule is one row of the X-Ray sampling rule table. X-Ray evaluates rules
// in ascending Priority and the first rule whose every field matches the
// request decides: ReservoirSize requests per second are traced, then
// FixedRate of the rest. Matching fields are globs ('*' any run of
// characters, '?' one character), compared case-insensitively; an empty
// field matches everything ("*").
type Rule struct {
	// Name of the rule in X-Ray: 1-32 letters, digits, '-', '_' or '.',
	// and not "Default" (X-Ray's built-in rule). Default: derived from the
	// matching fields (see RuleNames).
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// ServiceName matches the name the service gives itself in its
	// segments, at most 64 characters. Default: "*".
	ServiceName string `yaml:"serviceName,omitempty" json:"serviceName,omitempty"`
	// ServiceType matches the segment origin, e.g. "AWS::Lambda::Function",
	// at most 64 characters. Default: "*".
	ServiceType string `yaml:"serviceType,omitempty" json:"serviceType,omitempty"`
	// Host matches the host name of the request URL, at most 64
	// characters. Default: "*".
	Host string `yaml:"host,omitempty" json:"host,omitempty"`
	// HTTPMethod matches the request method, at most 10 characters.
	// Default: "*".
	HTTPMethod string `yaml:"httpMethod,omitempty" json:"httpMethod,omitempty"`
	// URLPath matches the request path, at most 128 characters.
	// Default: "*".
	URLPath string `yaml:"urlPath,omitempty" json:"urlPath,omitempty"`
	// ResourceARN matches the ARN of the resource the service runs on, at
	// most 500 characters. Default: "*".
	ResourceARN string `yaml:"resourceArn,omitempty" json:"resourceArn,omitempty"`
	// Attributes must all be present on the request with matching values
	// (globs): at most 5, keys and values 1-32 characters. Default: none.
	Attributes map[string]string `yaml:"attributes,omitempty" json:"attributes,omitempty"`
	// Priority orders evaluation, 1-9999, lower first, unique in the
	// table. Required.
	Priority int `yaml:"priority,omitempty" json:"priority,omitempty"`
	// FixedRate is the share of matching requests traced once the
	// reservoir is used up, 0-1. Zero is a real rate (trace nothing beyond
	// the reservoir).
	FixedRate float64 `yaml:"fixedRate,omitempty" json:"fixedRate,omitempty"`
	// ReservoirSize is how many matching requests per second are traced
	// before FixedRate applies, shared by all instances, 0 or more.
	ReservoirSize int `yaml:"reservoirSize,omitempty" json:"reservoirSize,omitempty"`
	// Boost enables X-Ray adaptive sampling: while X-Ray sees anomalies
	// (errors, faults) for the rule, it raises the rate up to MaxRate.
	// Default: no boost.
	Boost *Boost `yaml:"boost,omitempty" json:"boost,omitempty"`
}

// Boost is X-Ray's SamplingRateBoost (adaptive sampling) for one rule.
type Boost struct {
	// MaxRate is the highest rate X-Ray may boost to: above the rule's
	// FixedRate and at most 1. Required.
	MaxRate float64 `yaml:"maxRate,omitempty" json:"maxRate,omitempty"`
	// CooldownWindowMinutes is the window in which at most one boost is
	// triggered, 1 or more. Default: 1.
	CooldownWindowMinutes int `yaml:"cooldownWindowMinutes,omitempty" json:"cooldownWindowMinutes,omitempty"`
}

// GroupsProps configures the X-Ray groups: one for faults and errors, one
// for slow requests and one per service.
type GroupsProps struct {
	// Disabled skips the groups. Default: false (groups are created).
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// NamePrefix starts every group name: at most 25 letters, digits, '-',
	// '_' or '.', so that a derived suffix still fits X-Ray's 32
	// characters. Default: "o11yscale-".
	NamePrefix string `yaml:"namePrefix,omitempty" json:"namePrefix,omitempty"`
	// Services gets one group each, filtering service("name"); names are
	// 1-200 characters without '"' or '\'. Default (when omitted): the
	// service names of the rules that contain no wildcard; an explicit
	// empty list creates no per-service group.
	Services []string `yaml:"services,omitempty" json:"services,omitempty"`
	// Insights turns X-Ray Insights (anomaly detection) on for every
	// group. Default: false, because Insights is billed per trace it
	// analyses.
	Insights bool `yaml:"insights,omitempty" json:"insights,omitempty"`
	// Notifications sends Insights notifications to EventBridge; requires
	// Insights. Default: false.
	Notifications bool `yaml:"notifications,omitempty" json:"notifications,omitempty"`
}

// TailSamplingProps configures the OpenTelemetry Collector configuration
// that does tail-based sampling.
type TailSamplingProps struct {
	// Disabled skips the collector configuration and its parameter.
	// Default: false.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// BaselinePercent of the remaining traces is kept, above 0 and at most
	// 100. Default: 0.1 (the seed's 0.1% of normal traffic).
	BaselinePercent float64 `yaml:"baselinePercent,omitempty" json:"baselinePercent,omitempty"`
	// DecisionWait is how long the collector buffers a trace's spans
	// before deciding, at least 1s. Default: 10s.
	DecisionWait time.Duration `yaml:"decisionWait,omitempty" json:"decisionWait,omitempty"`
	// NumTraces is how many traces the collector holds while waiting, 0
	// or more. Default: 50000 (the processor's default).
	NumTraces int `yaml:"numTraces,omitempty" json:"numTraces,omitempty"`
	// ReceiverHost is the address the OTLP receiver listens on. Default:
	// "localhost" (a sidecar collector); a gateway collector behind a
	// private load balancer needs "0.0.0.0".
	ReceiverHost string `yaml:"receiverHost,omitempty" json:"receiverHost,omitempty"`
	// ParameterName of the SSM parameter holding the configuration.
	// Default: "/o11yscale/otel/collector-config".
	ParameterName string `yaml:"parameterName,omitempty" json:"parameterName,omitempty"`
}

// Props configures sampling and tracing.
type Props struct {
	// Rules is the X-Ray sampling rule table. Default: DefaultRules().
	Rules []Rule `yaml:"rules,omitempty" json:"rules,omitempty"`
	// SlowThreshold marks a request as slow for the slow-requests group and
	// the keep-slow tail policy: above 0, whole milliseconds. Default: 2s.
	SlowThreshold time.Duration `yaml:"slowThreshold,omitempty" json:"slowThreshold,omitempty"`
	// Groups configures the X-Ray groups.
	Groups GroupsProps `yaml:"groups,omitempty" json:"groups,omitempty"`
	// TailSampling configures the OpenTelemetry tail-sampling collector.
	TailSampling TailSamplingProps `yaml:"tailSampling,omitempty" json:"tailSampling,omitempty"`
}

// Defaults.
const (
	DefaultSlowThreshold   = 2 * time.Second
	DefaultBaselinePercent = 0.1
	DefaultDecisionWait    = 10 * time.Second
	DefaultNumTraces       = 50000
	DefaultReceiverHost    = "localhost"
	DefaultParameterName   = "/o11yscale/otel/collector-config"
	DefaultGroupNamePrefix = "o11yscale-"
	// CatchAllPriority is the priority of the default table's wildcard
	// rule: the highest a custom rule can have, so every other rule is
	// evaluated first. X-Ray's built-in "Default" rule (priority 10000)
	// stays behind it and never matches.
	CatchAllPriority = 9999
)

// DefaultRules returns the seed's rule table in an order X-Ray can honour:
// checkout-api POST is always traced, health-check GET never, and
// everything else at 5% after a reservoir of 1 request per second. The
// seed put the wildcard at priority 2, where it hides health-check (3);
// here the wildcard is an ordinary rule at CatchAllPriority, evaluated
// last, rather than an edit of X-Ray's built-in "Default" rule, which
// CloudFormation cannot manage.
func DefaultRules() []Rule {
	return []Rule{
		{ServiceName: "checkout-api", HTTPMethod: "POST", Priority: 1, FixedRate: 1, ReservoirSize: 0},
		{ServiceName: "health-check", HTTPMethod: "GET", Priority: 2, FixedRate: 0, ReservoirSize: 0},
		{Priority: CatchAllPriority, FixedRate: 0.05, ReservoirSize: 1},
	}
}

func (p Props) withDefaults() Props {
	if len(p.Rules) == 0 {
		p.Rules = DefaultRules()
	}
	if p.SlowThreshold == 0 {
		p.SlowThreshold = DefaultSlowThreshold
	}
	if p.Groups.NamePrefix == "" {
		p.Groups.NamePrefix = DefaultGroupNamePrefix
	}
	if p.Groups.Services == nil {
		p.Groups.Services = ruleServices(p.Rules)
	}
	t := &p.TailSampling
	if t.BaselinePercent == 0 {
		t.BaselinePercent = DefaultBaselinePercent
	}
	if t.DecisionWait == 0 {
		t.DecisionWait = DefaultDecisionWait
	}
	if t.NumTraces == 0 {
		t.NumTraces = DefaultNumTraces
	}
	if t.ReceiverHost == "" {
		t.ReceiverHost = DefaultReceiverHost
	}
	if t.ParameterName == "" {
		t.ParameterName = DefaultParameterName
	}
	return p
}

// ruleServices lists the distinct literal service names of rules, in table
// order: the services worth a group of their own by default.
func ruleServices(rules []Rule) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, r := range rules {
		if r.ServiceName == "" || hasGlob(r.ServiceName) || seen[r.ServiceName] {
			continue
		}
		seen[r.ServiceName] = true
		out = append(out, r.ServiceName)
	}
	return out
}

var (
	namePattern     = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	receiverHostRE  = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)
	ssmNamePattern  = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)
	maxSSMNameLen   = 2048
	maxSSMHierarchy = 15
)

// Field limits from the X-Ray API and the CloudFormation schema.
const (
	maxNameLen         = 32
	maxServiceLen      = 64
	maxHostLen         = 64
	maxMethodLen       = 10
	maxURLPathLen      = 128
	maxResourceARNLen  = 500
	maxAttributes      = 5
	maxAttributePart   = 32
	maxPriority        = 9999
	maxGroupPrefixLen  = maxNameLen - hashSuffixLen - 1
	maxSegmentNameLen  = 200
	advancedParamBytes = 8192
)

// Validate checks every field and reports every problem at once. It also
// generates the collector configuration, to check that it fits an SSM
// parameter.
func (p Props) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	validateRules(&v, p.Rules)
	if p.SlowThreshold <= 0 || p.SlowThreshold%time.Millisecond != 0 {
		v.Add("slowThreshold", p.SlowThreshold.String(), "a duration above 0 in whole milliseconds, e.g. 2s or 1500ms")
	}
	validateGroups(&v, p)
	validateTailSampling(&v, p)
	return v.Err()
}

func validateRules(v *validation.Errors, rules []Rule) {
	priorities := map[int]int{}
	for i, r := range rules {
		path := validation.Index("rules", i)
		at := func(field string) string { return validation.Join(path, field) }
		if r.Name != "" {
			validateName(v, at("name"), r.Name)
		}
		for _, f := range []struct {
			field, value string
			max          int
		}{
			{"serviceName", r.ServiceName, maxServiceLen},
			{"serviceType", r.ServiceType, maxServiceLen},
			{"host", r.Host, maxHostLen},
			{"httpMethod", r.HTTPMethod, maxMethodLen},
			{"urlPath", r.URLPath, maxURLPathLen},
			{"resourceArn", r.ResourceARN, maxResourceARNLen},
		} {
			if n := len([]rune(f.value)); n > f.max {
				v.Add(at(f.field), f.value, "at most %d characters (X-Ray limit), got %d", f.max, n)
			}
		}
		if len(r.Attributes) > maxAttributes {
			v.Add(at("attributes"), fmt.Sprintf("%d attributes", len(r.Attributes)), "at most %d attributes (X-Ray limit)", maxAttributes)
		}
		for _, k := range sortedKeys(r.Attributes) {
			if n := len([]rune(k)); n < 1 || n > maxAttributePart {
				v.Add(validation.Key(at("attributes"), k), k, "an attribute key of 1-%d characters", maxAttributePart)
			}
			if n := len([]rune(r.Attributes[k])); n < 1 || n > maxAttributePart {
				v.Add(validation.Key(at("attributes"), k), r.Attributes[k], "an attribute value of 1-%d characters", maxAttributePart)
			}
		}
		if r.Priority < 1 || r.Priority > maxPriority {
			v.Add(at("priority"), r.Priority, "1-%d (lower is evaluated first; required)", maxPriority)
		} else if j, dup := priorities[r.Priority]; dup {
			v.Add(at("priority"), r.Priority, "a priority no other rule uses; rules[%d] already has it", j)
		} else {
			priorities[r.Priority] = i
		}
		if !(r.FixedRate >= 0 && r.FixedRate <= 1) {
			v.Add(at("fixedRate"), r.FixedRate, "a rate from 0 to 1")
		}
		if r.ReservoirSize < 0 {
			v.Add(at("reservoirSize"), r.ReservoirSize, "0 or more requests per second")
		}
		if b := r.Boost; b != nil {
			if !(b.MaxRate > r.FixedRate && b.MaxRate <= 1) {
				v.Add(at("boost.maxRate"), b.MaxRate, "above the rule's fixedRate (%g) and at most 1", r.FixedRate)
			}
			if b.CooldownWindowMinutes < 0 {
				v.Add(at("boost.cooldownWindowMinutes"), b.CooldownWindowMinutes, "1 or more minutes (0 means the default, 1)")
			}
		}
	}
	names, owner := RuleNames(rules), map[string]int{}
	for i, n := range names {
		if j, dup := owner[strings.ToLower(n)]; dup {
			v.Add(validation.Join(validation.Index("rules", i), "name"), n,
				"a name no other rule has (compared case-insensitively); rules[%d] is also %q, set name explicitly", j, names[j])
			continue
		}
		owner[strings.ToLower(n)] = i
	}
	for _, s := range findShadowed(rules) {
		hidden, by := rules[s.hidden], rules[s.by]
		v.Add(validation.Index("rules", s.hidden), names[s.hidden],
			"a rule X-Ray can reach, but rules[%d] %q (priority %d) is evaluated first and matches every request rules[%d] %q (priority %d) matches; "+
				"give rules[%d] a priority below %d or narrow rules[%d]",
			s.by, names[s.by], by.Priority, s.hidden, names[s.hidden], hidden.Priority, s.hidden, by.Priority, s.by)
	}
}

// validateName checks an X-Ray rule or group name.
func validateName(v *validation.Errors, path, name string) {
	switch {
	case len(name) < 1 || len(name) > maxNameLen:
		v.Add(path, name, "1-%d characters", maxNameLen)
	case !namePattern.MatchString(name):
		v.Add(path, name, "only letters, digits, '-', '_' and '.'")
	case strings.EqualFold(name, "Default"):
		v.Add(path, name, "a name other than \"Default\", which X-Ray reserves for its built-in rule and group")
	}
}

func validateGroups(v *validation.Errors, p Props) {
	g := p.Groups
	if g.Disabled {
		return
	}
	if len(g.NamePrefix) > maxGroupPrefixLen || !namePattern.MatchString(g.NamePrefix) {
		v.Add("groups.namePrefix", g.NamePrefix, "1-%d letters, digits, '-', '_' or '.'", maxGroupPrefixLen)
	}
	seen := map[string]int{}
	for i, s := range g.Services {
		path := validation.Index("groups.services", i)
		if n := len([]rune(s)); n < 1 || n > maxSegmentNameLen || strings.ContainsAny(s, "\"\\") {
			v.Add(path, s, "a service name of 1-%d characters without '\"' or '\\'", maxSegmentNameLen)
		}
		if j, dup := seen[s]; dup {
			v.Add(path, s, "each service once; groups.services[%d] is the same", j)
		}
		seen[s] = i
	}
	if g.Notifications && !g.Insights {
		v.Add("groups.notifications", true, "false unless groups.insights is true: X-Ray notifies only about Insights")
	}
	owner := map[string]string{}
	for _, gr := range groupSpecs(p) {
		if other, dup := owner[gr.name]; dup {
			v.Add("groups", gr.name, "distinct group names; the groups for %s and %s are both named %q", other, gr.what, gr.name)
		}
		owner[gr.name] = gr.what
	}
}

func validateTailSampling(v *validation.Errors, p Props) {
	t := p.TailSampling
	if t.Disabled {
		return
	}
	if !(t.BaselinePercent > 0 && t.BaselinePercent <= 100) {
		v.Add("tailSampling.baselinePercent", t.BaselinePercent, "a percentage above 0 and at most 100")
	}
	if t.DecisionWait < time.Second {
		v.Add("tailSampling.decisionWait", t.DecisionWait.String(), "at least 1s: the processor decides on a 1s tick")
	}
	if t.NumTraces < 0 {
		v.Add("tailSampling.numTraces", t.NumTraces, "0 (default 50000) or more")
	}
	if !receiverHostRE.MatchString(t.ReceiverHost) {
		v.Add("tailSampling.receiverHost", t.ReceiverHost, "a host name or IP address such as localhost or 0.0.0.0")
	}
	validateParameterName(v, "tailSampling.parameterName", t.ParameterName)
	if v.Len() > 0 {
		return // the configuration below is built from the fields just checked
	}
	cfg, err := collectorConfig(p)
	if err != nil {
		v.Add("tailSampling", nil, "a collector configuration that can be generated: %v", err)
		return
	}
	if len(cfg) > advancedParamBytes {
		v.Add("tailSampling", fmt.Sprintf("%d bytes of collector configuration", len(cfg)),
			"at most %d bytes, the SSM Advanced-tier limit; use fewer or simpler rules", advancedParamBytes)
	}
}

// validateParameterName applies SSM's naming rules.
func validateParameterName(v *validation.Errors, path, name string) {
	lower := strings.ToLower(strings.TrimPrefix(name, "/"))
	switch {
	case len(name) < 1 || len(name) > maxSSMNameLen:
		v.Add(path, name, "1-%d characters", maxSSMNameLen)
	case !ssmNamePattern.MatchString(name):
		v.Add(path, name, "only letters, digits, '_', '.', '-' and '/'")
	case strings.Contains(name, "/") && !strings.HasPrefix(name, "/"):
		v.Add(path, name, "a hierarchical name that starts with '/'")
	case strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "ssm"):
		v.Add(path, name, "a name not starting with \"aws\" or \"ssm\" (reserved by SSM)")
	case strings.Count(name, "/") > maxSSMHierarchy:
		v.Add(path, name, "at most %d levels of hierarchy", maxSSMHierarchy)
	case strings.Contains(name, "//") || strings.HasSuffix(name, "/"):
		v.Add(path, name, "no empty path segment")
	}
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
