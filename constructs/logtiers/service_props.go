package logtiers

import (
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// ServiceLogsProps configures one service's log tiers.
type ServiceLogsProps struct {
	// Name is the platform name: 1-32 lowercase letters, digits, '-' or
	// '_'. The
	// default log group prefix, metric namespace, Fluent Bit parameter and
	// OpenSearch index derive from it. Default: "o11yscale" (DefaultName).
	Name string
	// Service name, used in log group names, metric namespaces and S3
	// keys: 1-64 letters, digits, '-', '_' or '.'. Required.
	Service string
	// LogGroupPrefix starts every log group name. Default: "/<Name>"
	// (LogGroupPrefix(Name)), giving /<Name>/<service>/<tier>, e.g.
	// /o11yscale/checkout-api/error.
	LogGroupPrefix string
	// Tiers configures ERROR, WARN, INFO and DEBUG. Default: the seed's
	// (ERROR and WARN in CloudWatch for 30 and 7 days, INFO to S3, DEBUG
	// dropped).
	Tiers TiersProps
	// LogFormat of the application's lines; it picks the default
	// error-count and forwarding patterns. Default: FormatJSON.
	LogFormat LogFormat
	// MetricNamespace is the prefix of the metric namespaces; a service's
	// metrics go to <MetricNamespace>/<service>, because CloudWatch does not
	// allow a default value on a metric filter with dimensions, so the
	// service cannot be a dimension. Default: "<Name>/Logs" with the
	// name's first letter in upper case (MetricNamespace(Name)), e.g.
	// "O11yscale/Logs".
	MetricNamespace string
	// DisableErrorCount skips the ErrorCount metric filter on the ERROR
	// tier. Default: false: the filter counts errors with defaultValue 0
	// whenever the ERROR tier is a STANDARD CloudWatch tier.
	DisableErrorCount bool
	// MetricFilters are additional metric filters. Default: none.
	MetricFilters []MetricFilterProps
	// Destination is where forwarded events go: the default rule's and
	// every rule's without its own. Default: none, and then no default
	// rule.
	Destination SubscriptionDestination
	// Forwarding lists subscription filters. Default: one filter named
	// "critical" on every STANDARD CloudWatch tier, sending the seed's
	// critical events to Destination, when Destination is set; none
	// otherwise.
	Forwarding []ForwardProps
	// DisableForwarding creates no subscription filters at all. Default:
	// false.
	DisableForwarding bool
	// FluentBit generates and publishes a FireLens config for the tiers.
	// Default: not generated.
	FluentBit FluentBitProps
	// DestroyOnRemoval deletes the log groups with the stack. Default:
	// false (retained: logs are evidence).
	DestroyOnRemoval bool
	// EncryptionKey encrypts the log groups. Its policy must let the
	// regional CloudWatch Logs principal use it. Default: CloudWatch Logs'
	// own encryption.
	EncryptionKey awskms.IKey
	// Archive is the region's archive; required when FluentBit is
	// published and a tier goes to S3.
	Archive *Archive
	// Analysis is the region's analysis tier. With it, and no
	// FluentBit.OpenSearchEndpoint, the published Fluent Bit config sends
	// the analysis tiers to the collection, each to its index, signed for
	// OpenSearch Serverless; the task role must be one of the tier's
	// Writers (and get Analysis.GrantWrite). Default: nil.
	Analysis *Analysis
}

// withDefaults fills every zero value with its documented default.
func (p ServiceLogsProps) withDefaults() ServiceLogsProps {
	if p.Name == "" {
		p.Name = DefaultName
	}
	if p.LogGroupPrefix == "" {
		p.LogGroupPrefix = LogGroupPrefix(p.Name)
	}
	if p.LogFormat == "" {
		p.LogFormat = FormatJSON
	}
	if p.MetricNamespace == "" {
		p.MetricNamespace = MetricNamespace(p.Name)
	}
	p.Tiers = p.Tiers.withDefaults()

	// The tiers are filled in above, so the ERROR tier's final shape
	// decides whether the default error count has a log group to go on.
	if !p.Tiers.Error.filterable() {
		p.DisableErrorCount = true
	}
	var filters []MetricFilterProps
	if !p.DisableErrorCount {
		filters = append(filters, MetricFilterProps{Name: "ErrorCount", Tier: Error, Pattern: p.errorPattern()})
	}
	filters = append(filters, p.MetricFilters...)
	for i := range filters {
		filters[i] = filters[i].withDefaults(p.MetricNamespace + "/" + p.Service)
	}
	p.MetricFilters = filters

	if p.Forwarding == nil && p.Destination != nil && !p.DisableForwarding {
		// With an analysis tier the router sees every event of the
		// filterable tiers: it indexes ERROR and WARN and still archives
		// only the critical ones. One filter per group either way.
		p.Forwarding = []ForwardProps{{AllEvents: p.Analysis != nil}}
	}
	if p.DisableForwarding {
		p.Forwarding = nil
	}
	fwd := make([]ForwardProps, len(p.Forwarding))
	for i, f := range p.Forwarding {
		if f.Name == "" {
			f.Name = "critical"
		}
		if f.Destination == nil {
			f.Destination = p.Destination
		}
		if f.Pattern == "" && !f.AllEvents {
			f.Pattern = p.criticalPattern()
		}
		if f.Tiers == nil {
			f.Tiers = p.filterableTiers()
		}
		fwd[i] = f
	}
	p.Forwarding = fwd
	p.FluentBit = p.FluentBit.withDefaults(p.Name, p.Service)
	return p
}

func (p ServiceLogsProps) errorPattern() string {
	if p.LogFormat == FormatSpace {
		return ErrorSpace
	}
	return ErrorJSON
}

func (p ServiceLogsProps) criticalPattern() string {
	if p.LogFormat == FormatSpace {
		return ErrorSpace
	}
	return CriticalJSON
}

// filterableTiers lists the tiers whose log groups can carry metric and
// subscription filters: CloudWatch tiers of the STANDARD class (after
// defaults).
func (p ServiceLogsProps) filterableTiers() []Tier {
	var out []Tier
	for _, t := range TierNames {
		if p.Tiers.get(t).filterable() {
			out = append(out, t)
		}
	}
	return out
}

// Validate checks the complete props and reports every problem at once,
// with paths relative to the props named after the fields in lower camel
// case (e.g. "tiers.warn.retentionDays", "metricFilters[0].value").
// NewServiceLogs additionally requires the collaborators these settings
// call for (a Destination for every forwarding rule, the Archive for
// Fluent Bit's S3 tiers) and checks the Fluent Bit config against the
// stack's region and the archive's bucket.
func (p ServiceLogsProps) Validate() error {
	raw := p
	p = p.withDefaults()
	var v validation.Errors
	validateName(&v, p.Name)
	if !serviceRE.MatchString(p.Service) {
		v.Add("service", p.Service, "1-64 letters, digits, '-', '_' or '.', starting with a letter or digit")
	}
	if !prefixRE.MatchString(p.LogGroupPrefix) {
		v.Add("logGroupPrefix", p.LogGroupPrefix, "a log group name prefix starting with '/', of letters, digits and . _ / # -")
	}
	if p.LogFormat != FormatJSON && p.LogFormat != FormatSpace {
		v.Add("logFormat", string(p.LogFormat), "one of json, space")
	}
	if !namespaceRE.MatchString(p.MetricNamespace) || strings.HasPrefix(p.MetricNamespace, "AWS/") {
		v.Add("metricNamespace", p.MetricNamespace, "1-255 letters, digits and . - _ / # : space, not starting with AWS/")
	}
	raw.Tiers.validate(&v)

	// Per log group quotas.
	metricCount := map[Tier]int{}
	subCount := map[Tier]int{}
	regexCount := map[Tier]int{}
	names := map[string]string{}
	checkName := func(path, name string) {
		if !filterRE.MatchString(name) {
			v.Add(path, name, "1-100 letters, digits, '-', '_' or '.'")
			return
		}
		if prev, dup := names[name]; dup {
			v.Add(path, name, "a name not already used by %s", prev)
		}
		names[name] = path
	}
	offset := 0
	if !p.DisableErrorCount {
		offset = 1
	}
	for i, f := range p.MetricFilters {
		path := validation.Index("metricFilters", i-offset)
		if i < offset {
			path = "disableErrorCount"
			names[f.Name] = "the default ErrorCount filter (disableErrorCount: false)"
		} else {
			checkName(path+".name", f.Name)
		}
		if p.checkFilterTier(&v, path+".tier", f.Tier) {
			metricCount[f.Tier]++
		}
		if pat, ok := f.validate(&v, path); ok && pat.HasRegex() {
			regexCount[f.Tier]++
		}
	}

	for i, f := range p.Forwarding {
		path := validation.Index("forwarding", i)
		checkName(path+".name", f.Name)
		pat, parsed := f.validate(&v, path)
		for j, tier := range f.Tiers {
			if p.checkFilterTier(&v, validation.Index(path+".tiers", j), tier) {
				subCount[tier]++
				if parsed && pat.HasRegex() {
					regexCount[tier]++
				}
			}
		}
	}

	for _, tier := range TierNames {
		lower := tier.lower()
		if n := metricCount[tier]; n > MaxMetricFilters {
			v.Add("metricFilters", n, "at most %d metric filters on the %s log group (including the default ErrorCount)", MaxMetricFilters, lower)
		}
		if n := subCount[tier]; n > MaxSubscriptionFilters {
			v.Add("forwarding", n, "at most %d subscription filters on the %s log group (a CloudWatch Logs limit)", MaxSubscriptionFilters, lower)
		}
		if n := regexCount[tier]; n > MaxRegexPatterns {
			v.Add("metricFilters", n, "at most %d filter patterns with a regular expression on the %s log group", MaxRegexPatterns, lower)
		}
	}

	p.validateFluentBit(&v)
	return v.Err()
}

// checkFilterTier reports whether tier can carry metric or subscription
// filters, adding the reason when it cannot.
func (p ServiceLogsProps) checkFilterTier(v *validation.Errors, path string, tier Tier) bool {
	if !tier.valid() {
		v.Add(path, string(tier), "one of ERROR, WARN, INFO, DEBUG")
		return false
	}
	t := p.Tiers.get(tier)
	if t.Destination != CloudWatch {
		v.Add(path, string(tier), "a tier with destination cloudwatch (%s goes to %s, so it has no log group)", string(tier), string(t.Destination))
		return false
	}
	if t.Class == awslogs.LogGroupClass_INFREQUENT_ACCESS {
		v.Add(path, string(tier), "a STANDARD tier: the Infrequent Access log class supports no metric or subscription filters")
		return false
	}
	return true
}

// routerIndexes reports whether a forwarding rule sends every event of
// tier's log group on (AllEvents), so the analysis tier gets the tier from
// the router and Fluent Bit must not index it a second time (after
// defaults).
func (p ServiceLogsProps) routerIndexes(tier Tier) bool {
	for _, f := range p.Forwarding {
		if f.AllEvents && slices.Contains(f.Tiers, tier) && p.Tiers.get(tier).Destination == CloudWatch {
			return true
		}
	}
	return false
}
