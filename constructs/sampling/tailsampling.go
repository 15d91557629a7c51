package sampling

import (
	"fmt"
	"strings"
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// TailSamplingProps configures the OpenTelemetry Collector configuration
// that does tail-based sampling.
type TailSamplingProps struct {
	// Disabled skips the collector configuration and its parameter.
	// Default: false.
	Disabled bool
	// BaselinePercent of the remaining traces is kept, above 0 and at most
	// 100. Default: the catch-all rule's FixedRate as a percentage (5 for
	// DefaultRules' 5%), since the collector replaces that rule with the
	// baseline; without a catch-all rule, X-Ray's built-in 5%. Set it to
	// keep a different share than X-Ray would (the seed's 0.1% is
	// BaselinePercent: 0.1).
	BaselinePercent float64
	// DecisionWait is how long the collector buffers a trace's spans
	// before deciding, at least 1s. Default: 10s.
	DecisionWait time.Duration
	// NumTraces is how many traces the collector holds while waiting, 0
	// or more. Default: 50000 (the processor's default).
	NumTraces int
	// ReceiverHost is the address the OTLP receiver listens on. Default:
	// "localhost" (a sidecar collector); a gateway collector behind a
	// private load balancer needs "0.0.0.0".
	ReceiverHost string
	// Exporter sends the sampled traces: ExporterOTLP (otlphttp to the
	// region's X-Ray OTLP endpoint, SigV4-signed) or ExporterXRayLegacy
	// (awsxray). Default: ExporterOTLP.
	Exporter Exporter
	// Region of the OTLP endpoints (and of the awsxray exporter). Default:
	// the stack's region in NewTracing; RegionFromEnvironment
	// ("${env:AWS_REGION}", expanded by the collector) when that is a
	// token or for CollectorConfig alone.
	Region string
	// Logs optionally adds a logs pipeline to the CloudWatch Logs OTLP
	// endpoint. Default: no logs pipeline.
	Logs LogsExportProps
	// ParameterName of the SSM parameter holding the configuration.
	// Default: "/<Props.Name>/otel/collector-config"
	// (ParameterName(Name), "/o11yscale/otel/collector-config" for the
	// default name).
	ParameterName string

	// baselineFrom says where a defaulted BaselinePercent came from.
	baselineFrom string
}

// builtInDefaultRate is X-Ray's own default rule: one request a second,
// then 5% (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html).
const builtInDefaultRate = 0.05

// CatchAll returns the rule that takes every request no other rule does:
// the first by priority whose every match field is a wildcard and that
// requires no attribute. ok is false when rules have none; X-Ray's
// built-in default rule (5%) then applies.
func CatchAll(rules []Rule) (rule Rule, index int, ok bool) {
	for _, i := range byPriority(rules) {
		r := rules[i]
		if len(r.Attributes) == 0 && isWildcard(r.ServiceName) && isWildcard(r.ServiceType) && isWildcard(r.Host) &&
			isWildcard(r.HTTPMethod) && isWildcard(r.URLPath) && isWildcard(r.ResourceARN) {
			return r, i, true
		}
	}
	return Rule{}, -1, false
}

func (t TailSamplingProps) withDefaults(name string, rules []Rule) TailSamplingProps {
	if t.BaselinePercent == 0 {
		if r, i, ok := CatchAll(rules); ok {
			t.BaselinePercent = r.FixedRate * 100
			t.baselineFrom = fmt.Sprintf("the catch-all rule rules[%d] (priority %d) with fixedRate %g", i, r.Priority, r.FixedRate)
		} else {
			t.BaselinePercent = builtInDefaultRate * 100
			t.baselineFrom = "X-Ray's built-in default rule (5%; no rule is a catch-all)"
		}
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
		t.ParameterName = ParameterName(name)
	}
	if t.Exporter == "" {
		t.Exporter = ExporterOTLP
	}
	if t.Region == "" {
		t.Region = RegionFromEnvironment
	}
	t.Logs = t.Logs.withDefaults()
	return t
}

func validateTailSampling(v *validation.Errors, p Props) {
	t := p.TailSampling
	if t.Disabled {
		return
	}
	if !(t.BaselinePercent > 0 && t.BaselinePercent <= 100) {
		if t.baselineFrom != "" {
			v.Add("tailSampling.baselinePercent", t.BaselinePercent, "a percentage above 0 and at most 100; it defaults to %s: set tailSampling.baselinePercent to say what the collector keeps of ordinary traces", t.baselineFrom)
		} else {
			v.Add("tailSampling.baselinePercent", t.BaselinePercent, "a percentage above 0 and at most 100")
		}
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
	validateExport(v, t)
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
