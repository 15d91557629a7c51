package sampling

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/o11yscale/o11yscale/internal/otelcol"
)

// The collector configuration's wire format (typed structs, so the YAML
// keys come out in a fixed, reviewable order) lives in internal/otelcol.

// Policy names in the generated tail_sampling section.
const (
	PolicyKeepErrors = "keep-all-errors"
	PolicyKeepSlow   = "keep-slow"
	PolicyBaseline   = "baseline"
	// RulePolicyPrefix starts the name of the policy translated from an
	// X-Ray rule, followed by the rule's name.
	RulePolicyPrefix = "rule-"
)

// CollectorConfig returns the OpenTelemetry Collector configuration (YAML)
// that tail-samples traces for props, or an error naming every invalid
// field. Its tail_sampling policies, evaluated on complete traces:
//
//   - keep-all-errors: any span with status ERROR keeps the trace;
//   - keep-slow: a trace longer than SlowThreshold is kept;
//   - one policy per X-Ray rule, in priority order, applying the rule's
//     FixedRate to the traces the rule (and no earlier rule) matches: a
//     rate of 1 keeps them, 0 drops them unless they are errors or slow,
//     anything between keeps that share. Conditions test the span
//     attributes an OpenTelemetry SDK records (service.name, the stable
//     and the older HTTP semantic conventions); reservoirs, ServiceType and
//     ResourceARN have no span equivalent, so rules constrained by the
//     latter are left to X-Ray, and the catch-all rule is replaced by
//   - baseline: BaselinePercent of everything else.
//
// Kept traces are exported as TailSamplingProps.Exporter says: by default
// with otlphttp to the region's X-Ray OTLP endpoint, signed by a sigv4auth
// extension; logs optionally go to the CloudWatch Logs OTLP endpoint.
func CollectorConfig(props Props) ([]byte, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	return collectorConfig(props.withDefaults())
}

// collectorConfig builds the configuration from defaulted props.
func collectorConfig(p Props) ([]byte, error) {
	t := p.TailSampling
	var c otelcol.Config
	c.Receivers.OTLP.Protocols.GRPC.Endpoint = t.ReceiverHost + ":4317"
	c.Receivers.OTLP.Protocols.HTTP.Endpoint = t.ReceiverHost + ":4318"
	ml := &c.Processors.MemoryLimiter
	ml.CheckInterval, ml.LimitPercentage, ml.SpikeLimitPercentage = "1s", 80, 25

	ts := &c.Processors.TailSampling
	ts.DecisionWait = t.DecisionWait.String()
	ts.NumTraces = t.NumTraces
	// Late spans of a kept trace are forwarded if its ID is still cached;
	// the processor's docs ask for 10x num_traces.
	ts.DecisionCache.SampledCacheSize = 10 * t.NumTraces

	errorsPolicy := otelcol.Policy{Name: PolicyKeepErrors, Type: "status_code", StatusCode: &otelcol.StatusCodePolicy{StatusCodes: []string{"ERROR"}}}
	slowPolicy := otelcol.Policy{Name: PolicyKeepSlow, Type: "latency", Latency: &otelcol.LatencyPolicy{ThresholdMs: p.SlowThreshold.Milliseconds()}}
	ts.Policies = append(ts.Policies, errorsPolicy, slowPolicy)

	notes := []string{}
	type earlierRule struct {
		rule Rule
		cond string
	}
	var translated []earlierRule // earlier rules with a condition
	names := RuleNames(p.Rules)
	for _, i := range byPriority(p.Rules) {
		r, name := p.Rules[i], names[i]
		match, why := ruleCondition(r)
		if match == "" {
			notes = append(notes, fmt.Sprintf("%s (priority %d): %s", name, r.Priority, why))
			continue
		}
		// X-Ray's first match wins: exclude what an earlier rule takes,
		// unless the two plainly cannot match the same request.
		cond := match
		for _, e := range translated {
			if !disjoint(e.rule, r) {
				cond += " and not (" + e.cond + ")"
			}
		}
		translated = append(translated, earlierRule{rule: r, cond: match})
		matches := otelcol.Policy{Name: "match", Type: "ottl_condition", OTTL: &otelcol.OTTLPolicy{ErrorMode: "ignore", Span: []string{cond}}}
		pol := otelcol.Policy{Name: RulePolicyPrefix + name}
		switch {
		case r.FixedRate >= 1:
			pol.Type, pol.OTTL = matches.Type, matches.OTTL
			notes = append(notes, fmt.Sprintf("%s (priority %d): keep all", name, r.Priority))
		case r.FixedRate <= 0:
			pol.Type = "drop"
			pol.Drop = &otelcol.DropPolicy{SubPolicies: []otelcol.Policy{
				matches,
				{Name: "not-error", Type: "not", Not: &otelcol.NotPolicy{SubPolicy: errorsPolicy}},
				{Name: "not-slow", Type: "not", Not: &otelcol.NotPolicy{SubPolicy: slowPolicy}},
			}}
			notes = append(notes, fmt.Sprintf("%s (priority %d): drop unless error or slow", name, r.Priority))
		default:
			pol.Type = "and"
			pol.And = &otelcol.AndPolicy{SubPolicies: []otelcol.Policy{
				matches,
				{Name: "rate", Type: "probabilistic", Probabilistic: &otelcol.ProbabilisticPolicy{SamplingPercentage: r.FixedRate * 100}},
			}}
			notes = append(notes, fmt.Sprintf("%s (priority %d): keep %g%%", name, r.Priority, r.FixedRate*100))
		}
		ts.Policies = append(ts.Policies, pol)
	}
	ts.Policies = append(ts.Policies, otelcol.Policy{Name: PolicyBaseline, Type: "probabilistic",
		Probabilistic: &otelcol.ProbabilisticPolicy{SamplingPercentage: t.BaselinePercent}})

	tr := &c.Service.Pipelines.Traces
	tr.Receivers = []string{"otlp"}
	tr.Processors = []string{"memory_limiter", "tail_sampling", "batch"}
	exportConfig(&c, t)

	header := []string{
		"OpenTelemetry Collector configuration generated by o11yscale constructs/sampling.",
		fmt.Sprintf("Tail sampling keeps every error trace and every trace over %s, applies the", p.SlowThreshold),
		fmt.Sprintf("X-Ray rules, then keeps %g%% of the rest. Export: %s. Rules:", t.BaselinePercent, exporterNote(t)),
	}
	for _, n := range notes {
		header = append(header, "  "+n)
	}
	b, err := otelcol.Marshal(header, c)
	if err != nil {
		return nil, fmt.Errorf("sampling: %w", err)
	}
	return b, nil
}

// exporterNote says in the header where traces go.
func exporterNote(t TailSamplingProps) string {
	if t.Exporter == ExporterXRayLegacy {
		return "awsxray (legacy)"
	}
	note := "otlphttp to X-Ray (SigV4)"
	if t.Logs.Enabled {
		note += ", logs to CloudWatch Logs " + t.Logs.LogGroupName
	}
	return note
}

// byPriority returns the rule indexes in evaluation order.
func byPriority(rules []Rule) []int {
	order := make([]int, len(rules))
	for i := range order {
		order[i] = i
	}
	for i := 1; i < len(order); i++ { // insertion sort: tables are small and this is stable
		for j := i; j > 0 && rules[order[j]].Priority < rules[order[j-1]].Priority; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	return order
}

// Span attributes that carry each X-Ray request field: the stable HTTP
// semantic conventions first, then the older names still emitted by many
// instrumentations.
var (
	methodAttributes = []string{"http.request.method", "http.method"}
	pathAttributes   = []string{"url.path", "http.target"}
	hostAttributes   = []string{"server.address", "http.host", "net.host.name"}
)

// ruleCondition translates what r matches into an OTTL span condition. It
// returns "" and the reason when the rule is the catch-all or cannot be
// expressed on spans.
func ruleCondition(r Rule) (cond, why string) {
	if !isWildcard(r.ServiceType) || !isWildcard(r.ResourceARN) {
		return "", "not translated: serviceType and resourceArn have no span attribute; X-Ray applies it"
	}
	var terms []string
	add := func(pattern string, paths ...string) {
		if isWildcard(pattern) {
			return
		}
		re := strconv.Quote(globRegexp(pattern))
		alts := make([]string, len(paths))
		for i, p := range paths {
			alts[i] = "IsMatch(" + p + ", " + re + ")"
		}
		if len(alts) == 1 {
			terms = append(terms, alts[0])
			return
		}
		terms = append(terms, "("+strings.Join(alts, " or ")+")")
	}
	add(r.ServiceName, `resource.attributes["service.name"]`)
	http := len(terms)
	add(r.HTTPMethod, spanAttributes(methodAttributes)...)
	add(r.URLPath, spanAttributes(pathAttributes)...)
	add(r.Host, spanAttributes(hostAttributes)...)
	if len(terms) > http {
		// X-Ray's HTTP fields describe the request a service receives, not
		// the calls it makes.
		terms = append(terms, "span.kind == SPAN_KIND_SERVER")
	}
	for _, k := range sortedKeys(r.Attributes) {
		attr := spanAttributes([]string{k})[0]
		if isWildcard(r.Attributes[k]) {
			terms = append(terms, attr+" != nil") // X-Ray still requires the attribute
			continue
		}
		add(r.Attributes[k], attr)
	}
	if len(terms) == 0 {
		return "", "catch-all: replaced by the baseline (its rate unless tailSampling.baselinePercent is set)"
	}
	return strings.Join(terms, " and "), ""
}

func spanAttributes(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = "span.attributes[" + strconv.Quote(k) + "]"
	}
	return out
}
