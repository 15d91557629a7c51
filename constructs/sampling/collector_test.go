package sampling

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/o11yscale/o11yscale/internal/otelcol"
)

// parse decodes the generated YAML back into the wire format of
// internal/otelcol.
func parse(t *testing.T, p Props) (otelcol.Config, []byte) {
	t.Helper()
	b, err := CollectorConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := otelcol.Unmarshal(b)
	if err != nil {
		t.Fatalf("generated configuration is not YAML: %v\n%s", err, b)
	}
	return c, b
}

func policyNamed(t *testing.T, c otelcol.Config, name string) otelcol.Policy {
	t.Helper()
	for _, p := range c.Processors.TailSampling.Policies {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no policy %q", name)
	return otelcol.Policy{}
}

func TestDefaultCollectorConfigKeepsErrorsSlowAppliesRulesThenBaseline(t *testing.T) {
	c, b := parse(t, Props{})
	ts := c.Processors.TailSampling
	var got []string
	for _, p := range ts.Policies {
		got = append(got, p.Name+":"+p.Type)
	}
	want := "keep-all-errors:status_code keep-slow:latency rule-checkout-api-POST:ottl_condition rule-health-check-GET:drop baseline:probabilistic"
	if strings.Join(got, " ") != want {
		t.Errorf("policies = %v\nwant      %s", got, want)
	}
	if ms := policyNamed(t, c, PolicyKeepSlow).Latency.ThresholdMs; ms != 2000 {
		t.Errorf("keep-slow threshold_ms = %d, want 2000", ms)
	}
	// The catch-all rule's 5%, which the baseline replaces.
	if pct := policyNamed(t, c, PolicyBaseline).Probabilistic.SamplingPercentage; pct != 5 {
		t.Errorf("baseline sampling_percentage = %g, want 5", pct)
	}
	if ts.DecisionWait != "10s" || ts.NumTraces != DefaultNumTraces {
		t.Errorf("decision_wait %q num_traces %d, want 10s and %d", ts.DecisionWait, ts.NumTraces, DefaultNumTraces)
	}
	tr := c.Service.Pipelines.Traces
	if strings.Join(tr.Receivers, ",") != "otlp" || strings.Join(tr.Processors, ",") != "memory_limiter,tail_sampling,batch" ||
		strings.Join(tr.Exporters, ",") != "otlphttp/xray" {
		t.Errorf("traces pipeline = %+v", tr)
	}
	var generic struct {
		Exporters  map[string]any
		Extensions map[string]map[string]string
		Service    struct {
			Extensions []string
			Pipelines  map[string]any
		}
	}
	if err := yaml.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	if _, ok := generic.Exporters["awsxray"]; ok || len(generic.Exporters) != 1 {
		t.Errorf("exporters = %v, want only otlphttp/xray", generic.Exporters)
	}
	// Without a region the collector expands AWS_REGION at startup.
	if got := c.Exporters.XRay.TracesEndpoint; got != "https://xray.${env:AWS_REGION}.amazonaws.com/v1/traces" {
		t.Errorf("traces_endpoint = %s", got)
	}
	if c.Exporters.XRay.Auth.Authenticator != "sigv4auth/xray" || generic.Extensions["sigv4auth/xray"]["service"] != "xray" ||
		strings.Join(generic.Service.Extensions, ",") != "sigv4auth/xray" {
		t.Errorf("auth %+v, extensions %v, service.extensions %v", c.Exporters.XRay.Auth, generic.Extensions, generic.Service.Extensions)
	}
	if _, ok := generic.Service.Pipelines["logs"]; ok {
		t.Error("no logs pipeline unless logs are enabled")
	}
}

func TestRegionNamesTheEndpointAndTheSigningRegion(t *testing.T) {
	c, _ := parse(t, Props{TailSampling: TailSamplingProps{Region: "eu-west-1"}})
	if got := c.Exporters.XRay.TracesEndpoint; got != "https://xray.eu-west-1.amazonaws.com/v1/traces" {
		t.Errorf("traces_endpoint = %s", got)
	}
	if got := *c.Extensions.SigV4XRay; got != (otelcol.SigV4Auth{Region: "eu-west-1", Service: "xray"}) {
		t.Errorf("sigv4auth/xray = %+v", got)
	}
}

func TestLegacyExporterKeepsAWSXRayWithoutExtensions(t *testing.T) {
	c, b := parse(t, Props{TailSampling: TailSamplingProps{Exporter: ExporterXRayLegacy, Region: "us-west-2"}})
	if c.Exporters.AWSXRay == nil || c.Exporters.AWSXRay.Region != "us-west-2" || c.Exporters.XRay != nil || c.Extensions != nil {
		t.Errorf("exporters %+v, extensions %+v", c.Exporters, c.Extensions)
	}
	if strings.Join(c.Service.Pipelines.Traces.Exporters, ",") != "awsxray" || len(c.Service.Extensions) != 0 {
		t.Errorf("service = %+v", c.Service)
	}
	if !strings.Contains(string(b), "Export: awsxray (legacy)") {
		t.Errorf("header should name the legacy exporter:\n%s", b)
	}
}

func TestLogsGoToTheCloudWatchLogsEndpointWithGroupAndStreamHeaders(t *testing.T) {
	c, _ := parse(t, Props{TailSampling: TailSamplingProps{Region: "us-east-1",
		Logs: LogsExportProps{Enabled: true, LogGroupName: "/o11yscale/checkout-api/warn"}}})
	l := c.Exporters.Logs
	if l == nil || l.LogsEndpoint != "https://logs.us-east-1.amazonaws.com/v1/logs" || l.Auth.Authenticator != "sigv4auth/logs" {
		t.Fatalf("otlphttp/logs = %+v", l)
	}
	if l.Headers["x-aws-log-group"] != "/o11yscale/checkout-api/warn" || l.Headers["x-aws-log-stream"] != DefaultLogStreamName {
		t.Errorf("headers = %v", l.Headers)
	}
	if got := *c.Extensions.SigV4Logs; got != (otelcol.SigV4Auth{Region: "us-east-1", Service: "logs"}) {
		t.Errorf("sigv4auth/logs = %+v", got)
	}
	lp := c.Service.Pipelines.Logs
	if lp == nil || strings.Join(lp.Exporters, ",") != "otlphttp/logs" || strings.Join(lp.Processors, ",") != "memory_limiter,batch" {
		t.Errorf("logs pipeline = %+v", lp)
	}
	if strings.Join(c.Service.Extensions, ",") != "sigv4auth/xray,sigv4auth/logs" {
		t.Errorf("service.extensions = %v", c.Service.Extensions)
	}
}

func TestExportFieldsAreValidatedTogether(t *testing.T) {
	err := Props{TailSampling: TailSamplingProps{Exporter: "jaeger", Region: "Mars-1",
		Logs: LogsExportProps{Enabled: true, LogStreamName: "a:b"}}}.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`tailSampling.exporter: "jaeger"`, `"otlp" (default) or "xray-legacy"`,
		`tailSampling.region: "Mars-1"`, "tailSampling.logs.logGroupName", "tailSampling.logs.logStreamName",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	err = Props{TailSampling: TailSamplingProps{Exporter: ExporterXRayLegacy, Logs: LogsExportProps{Enabled: true, LogGroupName: "/g"}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "tailSampling.logs.enabled") {
		t.Errorf("logs with the legacy exporter: %v", err)
	}
	err = Props{TailSampling: TailSamplingProps{Logs: LogsExportProps{LogGroupName: "/g"}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "tailSampling.logs.enabled: false") {
		t.Errorf("a log group without enabled: %v", err)
	}
}

func TestSlowThresholdAndBaselineFlowIntoThePolicies(t *testing.T) {
	c, _ := parse(t, Props{SlowThreshold: 1500 * time.Millisecond, TailSampling: TailSamplingProps{BaselinePercent: 1}})
	if ms := policyNamed(t, c, PolicyKeepSlow).Latency.ThresholdMs; ms != 1500 {
		t.Errorf("threshold_ms = %d, want 1500", ms)
	}
	if pct := policyNamed(t, c, PolicyBaseline).Probabilistic.SamplingPercentage; pct != 1 {
		t.Errorf("sampling_percentage = %g, want 1", pct)
	}
}

func TestPartialRateRuleKeepsItsShareOfMatchingTraces(t *testing.T) {
	c, _ := parse(t, Props{Rules: []Rule{{ServiceName: "search", FixedRate: 0.25, Priority: 1}}})
	p := policyNamed(t, c, "rule-search")
	if p.Type != "and" || p.And == nil || len(p.And.SubPolicies) != 2 {
		t.Fatalf("want an and policy of match + rate, got %+v", p)
	}
	if got := p.And.SubPolicies[1].Probabilistic.SamplingPercentage; got != 25 {
		t.Errorf("rate sub-policy = %g%%, want 25%%", got)
	}
	if cond := p.And.SubPolicies[0].OTTL.Span[0]; !strings.Contains(cond, `IsMatch(resource.attributes["service.name"], "(?i)^search$")`) {
		t.Errorf("match condition = %s", cond)
	}
}

func TestLaterRuleExcludesRequestsAnOverlappingEarlierRuleTakes(t *testing.T) {
	c, _ := parse(t, Props{Rules: []Rule{
		{ServiceName: "a", Priority: 1, FixedRate: 1},
		{ServiceName: "b", Priority: 2, FixedRate: 1},
		{HTTPMethod: "GET", Priority: 3, FixedRate: 1},
	}})
	if cond := policyNamed(t, c, "rule-b").OTTL.Span[0]; strings.Contains(cond, "not (") {
		t.Errorf("rule b cannot overlap rule a, yet excludes it: %s", cond)
	}
	cond := policyNamed(t, c, "rule-GET").OTTL.Span[0]
	if strings.Count(cond, "and not (") != 2 {
		t.Errorf("rule GET overlaps a and b and must exclude both: %s", cond)
	}
}

func TestHTTPRulesMatchOnlyServerSpansWithBothSemanticConventions(t *testing.T) {
	c, _ := parse(t, Props{Rules: []Rule{{HTTPMethod: "GET", URLPath: "/v1/*", Host: "api.example.com", Priority: 1, FixedRate: 1}}})
	cond := policyNamed(t, c, RulePolicyPrefix+RuleNames([]Rule{{HTTPMethod: "GET", URLPath: "/v1/*", Host: "api.example.com"}})[0]).OTTL.Span[0]
	for _, want := range []string{
		`span.attributes["http.request.method"]`, `span.attributes["http.method"]`,
		`span.attributes["url.path"]`, `span.attributes["http.target"]`,
		`span.attributes["server.address"]`, `"(?i)^/v1/.*$"`, `"(?i)^api\\.example\\.com$"`,
		"span.kind == SPAN_KIND_SERVER",
	} {
		if !strings.Contains(cond, want) {
			t.Errorf("condition lacks %s:\n%s", want, cond)
		}
	}
}

func TestAttributeRulesTestSpanAttributesAndWildcardMeansPresent(t *testing.T) {
	c, _ := parse(t, Props{Rules: []Rule{{Attributes: map[string]string{"tenant": "*", "tier": "gold"}, Priority: 1, FixedRate: 1}}})
	cond := c.Processors.TailSampling.Policies[2].OTTL.Span[0]
	for _, want := range []string{`span.attributes["tenant"] != nil`, `IsMatch(span.attributes["tier"], "(?i)^gold$")`} {
		if !strings.Contains(cond, want) {
			t.Errorf("condition lacks %s:\n%s", want, cond)
		}
	}
	if strings.Contains(cond, "SPAN_KIND") {
		t.Errorf("a rule without HTTP fields must not restrict the span kind: %s", cond)
	}
}

func TestRulesWithoutSpanEquivalentAreLeftToXRayAndNoted(t *testing.T) {
	c, b := parse(t, Props{Rules: []Rule{{Name: "lambdas", ServiceType: "AWS::Lambda::Function", Priority: 1, FixedRate: 1}}})
	for _, p := range c.Processors.TailSampling.Policies {
		if strings.HasPrefix(p.Name, RulePolicyPrefix) {
			t.Errorf("untranslatable rule produced policy %s", p.Name)
		}
	}
	if !strings.Contains(string(b), "#   lambdas (priority 1): not translated") {
		t.Errorf("the header should say the rule was not translated:\n%s", b)
	}
}

func TestCollectorConfigIsDeterministic(t *testing.T) {
	p := Props{Rules: []Rule{{Attributes: map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}, Priority: 1, FixedRate: 1}}}
	first, _ := CollectorConfig(p)
	for range 20 {
		if again, _ := CollectorConfig(p); !bytes.Equal(first, again) {
			t.Fatal("two generations differ")
		}
	}
}

func TestCollectorConfigRejectsInvalidProps(t *testing.T) {
	if _, err := CollectorConfig(Props{TailSampling: TailSamplingProps{BaselinePercent: 101}}); err == nil {
		t.Fatal("want an error for a 101% baseline")
	}
}

func TestParameterTierIsStandardUpTo4KBThenAdvanced(t *testing.T) {
	cases := map[int]string{1: "STANDARD", 4096: "STANDARD", 4097: "ADVANCED", 8192: "ADVANCED"}
	for size, want := range cases {
		if got := string(parameterTier(size)); got != want {
			t.Errorf("parameterTier(%d) = %s, want %s", size, got, want)
		}
	}
}

// The collector replaces the catch-all X-Ray rule with its baseline, so
// the baseline defaults to that rule's rate: a 2% catch-all keeps 2% of
// ordinary traces at the collector too, not a silent 0.1%.
func TestBaselineDefaultsToTheCatchAllRulesRate(t *testing.T) {
	rules := func(catchAll float64) []Rule {
		return []Rule{{ServiceName: "checkout-api", HTTPMethod: "POST", Priority: 1, FixedRate: 1},
			{ServiceName: "*", HTTPMethod: "*", URLPath: "*", Priority: 500, FixedRate: catchAll, ReservoirSize: 1}}
	}
	baseline := func(p Props) float64 {
		c, _ := parse(t, p)
		return policyNamed(t, c, PolicyBaseline).Probabilistic.SamplingPercentage
	}
	if got := baseline(Props{Rules: rules(0.02)}); got != 2 {
		t.Errorf("2%% catch-all: baseline %g%%, want 2%%", got)
	}
	// An explicit baseline is the user's choice and wins.
	if got := baseline(Props{Rules: rules(0.02), TailSampling: TailSamplingProps{BaselinePercent: 0.1}}); got != 0.1 {
		t.Errorf("explicit 0.1%%: baseline %g%%", got)
	}
	// No catch-all: X-Ray's built-in default rule takes the rest at 5%.
	if got := baseline(Props{Rules: rules(0.02)[:1]}); got != 5 {
		t.Errorf("no catch-all: baseline %g%%, want X-Ray's built-in 5%%", got)
	}
	// The first catch-all by priority is the one X-Ray applies.
	two := append(rules(0.02), Rule{Priority: 9000, FixedRate: 0.5})
	if r, i, ok := CatchAll(two); !ok || i != 1 || r.FixedRate != 0.02 {
		t.Errorf("CatchAll = %+v, %d, %v", r, i, ok)
	}
	// A rule on one service, or one needing an attribute, is no catch-all.
	if _, _, ok := CatchAll([]Rule{{ServiceName: "a*", Priority: 1}, {Attributes: map[string]string{"k": "*"}, Priority: 2}}); ok {
		t.Error("a service glob or an attribute rule was taken as the catch-all")
	}
	// A 0% catch-all cannot default a baseline above 0: synth stops naming
	// both the field and the rule it would come from.
	err := Props{Rules: rules(0)}.Validate()
	want := "tailSampling.baselinePercent: 0 is not allowed; a percentage above 0 and at most 100; it defaults to the catch-all rule rules[1] (priority 500) with fixedRate 0"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v\nwant %q", err, want)
	}
}
