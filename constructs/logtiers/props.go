package logtiers

import (
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/o11yscale/o11yscale/constructs/logtiers/fluentbit"
	"github.com/o11yscale/o11yscale/constructs/logtiers/pattern"
	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// CloudWatch Logs quotas enforced at synth.
const (
	// MaxMetricFilters per log group.
	MaxMetricFilters = 100
	// MaxDimensions per metric filter.
	MaxDimensions = 3
	// MaxSubscriptionFilters per log group.
	MaxSubscriptionFilters = 2
	// MaxRegexPatterns is how many metric and subscription filter patterns
	// with a %regex% one log group may have.
	MaxRegexPatterns = 5
)

// ServiceLogsProps configures one service's log tiers.
type ServiceLogsProps struct {
	// Service name, used in log group names, metric namespaces and S3
	// keys: 1-64 letters, digits, '-', '_' or '.'. Required.
	Service string `yaml:"service" json:"service"`
	// LogGroupPrefix starts every log group name. Default: "/o11yscale",
	// giving /o11yscale/<service>/<tier>.
	LogGroupPrefix string `yaml:"logGroupPrefix,omitempty" json:"logGroupPrefix,omitempty"`
	// Tiers configures ERROR, WARN, INFO and DEBUG. Default: the seed's
	// (ERROR and WARN in CloudWatch for 30 and 7 days, INFO to S3, DEBUG
	// dropped).
	Tiers TiersProps `yaml:"tiers,omitempty" json:"tiers,omitempty"`
	// LogFormat of the application's lines, "json" or "space"; it picks the
	// default error-count and forwarding patterns. Default: "json".
	LogFormat string `yaml:"logFormat,omitempty" json:"logFormat,omitempty"`
	// MetricNamespace is the prefix of the metric namespaces; a service's
	// metrics go to <MetricNamespace>/<service>, because CloudWatch does not
	// allow a default value on a metric filter with dimensions, so the
	// service cannot be a dimension. Default: "O11yscale/Logs".
	MetricNamespace string `yaml:"metricNamespace,omitempty" json:"metricNamespace,omitempty"`
	// DisableErrorCount skips the ErrorCount metric filter on the ERROR
	// tier. Default: false: the filter counts errors with defaultValue 0
	// whenever the ERROR tier is a STANDARD CloudWatch tier.
	DisableErrorCount bool `yaml:"disableErrorCount,omitempty" json:"disableErrorCount,omitempty"`
	// MetricFilters are additional metric filters. Default: none.
	MetricFilters []MetricFilterProps `yaml:"metricFilters,omitempty" json:"metricFilters,omitempty"`
	// Forwarding lists subscription filters. Default: one filter named
	// "critical" on every STANDARD CloudWatch tier, sending the seed's critical
	// events to the log router Lambda, when Destinations.Function is set;
	// none otherwise.
	Forwarding []ForwardProps `yaml:"forwarding,omitempty" json:"forwarding,omitempty"`
	// DisableForwarding creates no subscription filters at all. Default:
	// false.
	DisableForwarding bool `yaml:"disableForwarding,omitempty" json:"disableForwarding,omitempty"`
	// FluentBit generates and publishes a FireLens config for the tiers.
	// Default: not generated.
	FluentBit FluentBitProps `yaml:"fluentBit,omitempty" json:"fluentBit,omitempty"`
	// DestroyOnRemoval deletes the log groups with the stack. Default:
	// false (retained: logs are evidence).
	DestroyOnRemoval bool `yaml:"destroyOnRemoval,omitempty" json:"destroyOnRemoval,omitempty"`

	// EncryptionKey encrypts the log groups. Its policy must let the
	// regional CloudWatch Logs principal use it. Default: CloudWatch Logs'
	// own encryption.
	EncryptionKey awskms.IKey `yaml:"-" json:"-"`
	// Archive is the region's archive; required when FluentBit is
	// published and a tier goes to S3.
	Archive *Archive `yaml:"-" json:"-"`
	// Destinations are where Forwarding sends events.
	Destinations Destinations `yaml:"-" json:"-"`
}

// TiersProps configures each tier; the zero value of a field keeps that
// tier's default.
type TiersProps struct {
	Error TierProps `yaml:"error,omitempty" json:"error,omitempty"`
	Warn  TierProps `yaml:"warn,omitempty" json:"warn,omitempty"`
	Info  TierProps `yaml:"info,omitempty" json:"info,omitempty"`
	Debug TierProps `yaml:"debug,omitempty" json:"debug,omitempty"`
}

func (t TiersProps) get(tier string) TierProps {
	switch tier {
	case Error:
		return t.Error
	case Warn:
		return t.Warn
	case Info:
		return t.Info
	default:
		return t.Debug
	}
}

// TierProps configures one tier.
type TierProps struct {
	// Destination is "cloudwatch", "s3" or "drop". Default: ERROR and WARN
	// cloudwatch, INFO s3, DEBUG drop.
	Destination string `yaml:"destination,omitempty" json:"destination,omitempty"`
	// RetentionDays of the tier's log group (cloudwatch only), one of
	// CloudWatch's allowed values. Default: ERROR 30, WARN 7, INFO 14,
	// DEBUG 3.
	RetentionDays int `yaml:"retentionDays,omitempty" json:"retentionDays,omitempty"`
	// Class of the log group (cloudwatch only), "STANDARD" or
	// "INFREQUENT_ACCESS". Infrequent Access halves ingestion cost but
	// supports no metric or subscription filters; it cannot be changed
	// after creation. Default: "STANDARD".
	Class string `yaml:"class,omitempty" json:"class,omitempty"`
	// Levels that Fluent Bit routes to this tier, matched in upper, lower
	// and title case. Default: ERROR: ERROR, CRITICAL, FATAL; WARN: WARN,
	// WARNING; INFO: INFO, NOTICE; DEBUG: DEBUG, TRACE.
	Levels []string `yaml:"levels,omitempty" json:"levels,omitempty"`
}

// MetricFilterProps is one metric filter on a tier's log group.
type MetricFilterProps struct {
	// Name, unique per service: 1-100 letters, digits, '-', '_' or '.'.
	// The CloudWatch filter is named <service>-<name>. Required.
	Name string `yaml:"name" json:"name"`
	// Tier whose log group is filtered. Default: "ERROR".
	Tier string `yaml:"tier,omitempty" json:"tier,omitempty"`
	// Pattern is a CloudWatch filter pattern, checked at synth. Required.
	Pattern string `yaml:"pattern" json:"pattern"`
	// MetricName, 1-255 characters. Default: Name.
	MetricName string `yaml:"metricName,omitempty" json:"metricName,omitempty"`
	// Namespace, 1-255 characters, not starting with "AWS/". Default:
	// <MetricNamespace>/<service>.
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	// Value published per match: a number, or a selector of the pattern
	// ($.latency_ms for JSON, $latency for space-delimited). Default: "1".
	Value string `yaml:"value,omitempty" json:"value,omitempty"`
	// DefaultValue is published when no event matches, so the metric has
	// data points when all is well. CloudWatch forbids it with Dimensions.
	// Default: 0 without dimensions, none with.
	DefaultValue *float64 `yaml:"defaultValue,omitempty" json:"defaultValue,omitempty"`
	// Dimensions map a dimension name to a selector of the pattern, at most
	// 3. High-cardinality fields (user or request ids, URLs, timestamps)
	// are rejected. Default: none.
	Dimensions map[string]string `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	// Unit of the metric, a CloudWatch standard unit. Default: "Count" when
	// Value is "1", else none.
	Unit string `yaml:"unit,omitempty" json:"unit,omitempty"`
}

// Forwarding destinations.
const (
	ToLambda   = "lambda"
	ToFirehose = "firehose"
	ToKinesis  = "kinesis"
)

// ForwardProps is one subscription filter, created on each of its tiers'
// log groups.
type ForwardProps struct {
	// Name, unique per service: 1-100 letters, digits, '-', '_' or '.'.
	// The CloudWatch filter is named <service>-<name>. Default: "critical".
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Destination is "lambda", "firehose" or "kinesis", wired through
	// ServiceLogsProps.Destinations. Default: "lambda".
	Destination string `yaml:"destination,omitempty" json:"destination,omitempty"`
	// Pattern selects the forwarded events. Default: the seed's critical
	// events, { $.level = "ERROR" || $.status_code >= 500 } for JSON logs,
	// [time, request_id, level = ERROR*, ...] for space-delimited ones.
	Pattern string `yaml:"pattern,omitempty" json:"pattern,omitempty"`
	// Tiers whose log groups are subscribed. Default: every CloudWatch
	// tier of the STANDARD class.
	Tiers []string `yaml:"tiers,omitempty" json:"tiers,omitempty"`
	// Distribution for Kinesis, "ByLogStream" or "Random". Default:
	// CloudWatch's (ByLogStream).
	Distribution string `yaml:"distribution,omitempty" json:"distribution,omitempty"`
}

// Destinations wires Forwarding to resources created elsewhere (usually
// once per region).
type Destinations struct {
	// Function is the log router Lambda (destination "lambda").
	Function awslambda.IFunction
	// FunctionPermission is a permission letting CloudWatch Logs invoke
	// Function for all these log groups, from AllowLogsToInvoke. At scale
	// pass one shared permission: a Lambda resource policy holds about 20
	// KB, far fewer than one statement per log group of 200 services.
	// Default: one permission per service, for its own log groups.
	FunctionPermission constructs.IDependable
	// DeliveryStreamArn is the Firehose stream (destination "firehose").
	// It must accept CloudWatch Logs' gzip envelopes, so it is not the
	// archive's stream, which partitions JSON records.
	DeliveryStreamArn string
	// StreamArn is the Kinesis stream (destination "kinesis").
	StreamArn string
	// Role lets CloudWatch Logs put to DeliveryStreamArn or StreamArn;
	// create one per region with NewSubscriptionRole. Default: one role per
	// service scoped to the stream (IAM allows 1,000 roles per account by
	// default, so pass a shared role at scale).
	Role awsiam.IRole
}

// FluentBitProps configures the generated Fluent Bit config.
type FluentBitProps struct {
	// Publish generates the config, stores it in an SSM parameter and
	// registers it for review as logtiers/[<region>/]fluent-bit-<service>.conf.
	// Default: false.
	Publish bool `yaml:"publish,omitempty" json:"publish,omitempty"`
	// Input is "firelens" (ECS FireLens sidecar) or "tail" (files).
	// Default: "firelens".
	Input string `yaml:"input,omitempty" json:"input,omitempty"`
	// InputMatch is the tag pattern of application records. Default:
	// "*-firelens-*" for FireLens, "app.<service>" for tail.
	InputMatch string `yaml:"inputMatch,omitempty" json:"inputMatch,omitempty"`
	// TailPath is the glob of files to tail. Default: "/var/log/app/*.log".
	TailPath string `yaml:"tailPath,omitempty" json:"tailPath,omitempty"`
	// ParsersFile defines the "json" parser. Default:
	// "/fluent-bit/parsers/parsers.conf" (the aws-for-fluent-bit image).
	ParsersFile string `yaml:"parsersFile,omitempty" json:"parsersFile,omitempty"`
	// LevelKey is the record key holding the level. Default: "level".
	LevelKey string `yaml:"levelKey,omitempty" json:"levelKey,omitempty"`
	// UnmatchedTier receives records with another or no level. Default:
	// "INFO" (archived, never lost).
	UnmatchedTier string `yaml:"unmatchedTier,omitempty" json:"unmatchedTier,omitempty"`
	// OpenSearchEndpoint is the errors index's domain host name. Default:
	// none (no OpenSearch output).
	OpenSearchEndpoint string `yaml:"openSearchEndpoint,omitempty" json:"openSearchEndpoint,omitempty"`
	// OpenSearchIndex name. Default: "o11yscale-errors".
	OpenSearchIndex string `yaml:"openSearchIndex,omitempty" json:"openSearchIndex,omitempty"`
	// IndexedTiers also go to OpenSearch. Default: ["ERROR"].
	IndexedTiers []string `yaml:"indexedTiers,omitempty" json:"indexedTiers,omitempty"`
	// ParameterName of the SSM parameter. Default:
	// "/o11yscale/fluent-bit/<service>".
	ParameterName string `yaml:"parameterName,omitempty" json:"parameterName,omitempty"`
}

var (
	serviceRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	prefixRE    = regexp.MustCompile(`^/[A-Za-z0-9._/#-]{0,200}$`)
	filterRE    = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	namespaceRE = regexp.MustCompile(`^[A-Za-z0-9.\-_/#: ]{1,255}$`)
	levelRE     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	ssmNameRE   = regexp.MustCompile(`^/[A-Za-z0-9_.\-/]{1,1000}$`)
	numberRE    = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
)

var standardUnits = []string{
	"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
	"Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
	"Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
	"Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}

// withDefaults fills every zero value with its documented default.
func (p ServiceLogsProps) withDefaults() ServiceLogsProps {
	if p.LogGroupPrefix == "" {
		p.LogGroupPrefix = DefaultLogGroupPrefix
	}
	if p.LogFormat == "" {
		p.LogFormat = FormatJSON
	}
	if p.MetricNamespace == "" {
		p.MetricNamespace = "O11yscale/Logs"
	}
	fill := func(t TierProps, tier string) TierProps {
		d := tierDefaults[tier]
		if t.Destination == "" {
			t.Destination = d.Destination
		}
		if t.RetentionDays == 0 {
			t.RetentionDays = d.RetentionDays
		}
		if t.Class == "" {
			t.Class = d.Class
		}
		if t.Levels == nil {
			t.Levels = d.Levels
		}
		return t
	}
	p.Tiers.Error = fill(p.Tiers.Error, Error)
	p.Tiers.Warn = fill(p.Tiers.Warn, Warn)
	p.Tiers.Info = fill(p.Tiers.Info, Info)
	p.Tiers.Debug = fill(p.Tiers.Debug, Debug)

	// The tiers are filled in above, so the ERROR tier's final shape
	// decides whether the default error count has a log group to go on.
	if e := p.Tiers.Error; e.Destination != CloudWatch || e.Class == InfrequentAccess {
		p.DisableErrorCount = true
	}
	var filters []MetricFilterProps
	if !p.DisableErrorCount {
		filters = append(filters, MetricFilterProps{Name: "ErrorCount", Tier: Error, Pattern: p.errorPattern()})
	}
	filters = append(filters, p.MetricFilters...)
	for i := range filters {
		f := &filters[i]
		if f.Tier == "" {
			f.Tier = Error
		}
		if f.MetricName == "" {
			f.MetricName = f.Name
		}
		if f.Namespace == "" {
			f.Namespace = p.MetricNamespace + "/" + p.Service
		}
		if f.Value == "" {
			f.Value = "1"
		}
		if f.DefaultValue == nil && len(f.Dimensions) == 0 {
			zero := 0.0
			f.DefaultValue = &zero
		}
		if f.Unit == "" && f.Value == "1" {
			f.Unit = "Count"
		}
	}
	p.MetricFilters = filters

	if p.Forwarding == nil && p.Destinations.Function != nil && !p.DisableForwarding {
		p.Forwarding = []ForwardProps{{}}
	}
	if p.DisableForwarding {
		p.Forwarding = nil
	}
	fwd := make([]ForwardProps, len(p.Forwarding))
	for i, f := range p.Forwarding {
		if f.Name == "" {
			f.Name = "critical"
		}
		if f.Destination == "" {
			f.Destination = ToLambda
		}
		if f.Pattern == "" {
			f.Pattern = p.criticalPattern()
		}
		if f.Tiers == nil {
			f.Tiers = p.filterableTiers()
		}
		fwd[i] = f
	}
	p.Forwarding = fwd

	fb := &p.FluentBit
	if fb.Input == "" {
		fb.Input = fluentbit.InputFireLens
	}
	if fb.InputMatch == "" {
		fb.InputMatch = "*-firelens-*"
		if fb.Input == fluentbit.InputTail {
			fb.InputMatch = "app." + p.Service
		}
	}
	if fb.TailPath == "" {
		fb.TailPath = "/var/log/app/*.log"
	}
	if fb.ParsersFile == "" {
		fb.ParsersFile = "/fluent-bit/parsers/parsers.conf"
	}
	if fb.LevelKey == "" {
		fb.LevelKey = "level"
	}
	if fb.UnmatchedTier == "" {
		fb.UnmatchedTier = Info
	}
	if fb.OpenSearchIndex == "" {
		fb.OpenSearchIndex = "o11yscale-errors"
	}
	if fb.IndexedTiers == nil {
		fb.IndexedTiers = []string{Error}
	}
	if fb.ParameterName == "" {
		fb.ParameterName = "/o11yscale/fluent-bit/" + p.Service
	}
	return p
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
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
func (p ServiceLogsProps) filterableTiers() []string {
	var out []string
	for _, t := range TierNames {
		if tp := p.Tiers.get(t); tp.Destination == CloudWatch && tp.Class != InfrequentAccess {
			out = append(out, t)
		}
	}
	return out
}

// Validate checks every field and reports all problems at once, with
// paths relative to the props (e.g. "tiers.warn.retentionDays"). It checks
// only what the config file can set; NewServiceLogs also checks the wiring
// (Archive, Destinations).
func (p ServiceLogsProps) Validate() error {
	raw := p
	p = p.withDefaults()
	var v validation.Errors
	if !serviceRE.MatchString(p.Service) {
		v.Add("service", p.Service, "1-64 letters, digits, '-', '_' or '.', starting with a letter or digit")
	}
	if !prefixRE.MatchString(p.LogGroupPrefix) {
		v.Add("logGroupPrefix", p.LogGroupPrefix, "a log group name prefix starting with '/', of letters, digits and . _ / # -")
	}
	if p.LogFormat != FormatJSON && p.LogFormat != FormatSpace {
		v.Add("logFormat", p.LogFormat, "one of json, space")
	}
	if !namespaceRE.MatchString(p.MetricNamespace) || strings.HasPrefix(p.MetricNamespace, "AWS/") {
		v.Add("metricNamespace", p.MetricNamespace, "1-255 letters, digits and . - _ / # : space, not starting with AWS/")
	}

	levelTier := map[string]string{}
	for _, tier := range TierNames {
		t, given := p.Tiers.get(tier), raw.Tiers.get(tier)
		path := "tiers." + strings.ToLower(tier)
		switch t.Destination {
		case CloudWatch:
			if !retention.Valid(t.RetentionDays) {
				v.Add(path+".retentionDays", t.RetentionDays, retention.Allowed(t.RetentionDays))
			}
			if t.Class != Standard && t.Class != InfrequentAccess {
				v.Add(path+".class", t.Class, "one of STANDARD, INFREQUENT_ACCESS")
			}
		case S3, Drop:
			if given.RetentionDays != 0 {
				v.Add(path+".retentionDays", given.RetentionDays, "no value: only a cloudwatch tier has a log group (the archive's retention is its lifecycle)")
			}
			if given.Class != "" {
				v.Add(path+".class", given.Class, "no value: only a cloudwatch tier has a log group")
			}
		default:
			v.Add(path+".destination", t.Destination, "one of cloudwatch, s3, drop")
		}
		for i, l := range t.Levels {
			if !levelRE.MatchString(l) {
				v.Add(validation.Index(path+".levels", i), l, "a level name of letters, digits or _")
				continue
			}
			if other, dup := levelTier[strings.ToUpper(l)]; dup {
				v.Add(validation.Index(path+".levels", i), l, "a level not already routed to %s", other)
			}
			levelTier[strings.ToUpper(l)] = tier
		}
	}

	// Per log group quotas.
	metricCount := map[string]int{}
	subCount := map[string]int{}
	regexCount := map[string]int{}
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
	offset := boolInt(!p.DisableErrorCount)
	for i, f := range p.MetricFilters {
		path := validation.Index("metricFilters", i-offset)
		if i < offset {
			path = "disableErrorCount"
		}
		if i >= offset {
			checkName(path+".name", f.Name)
		} else {
			names[f.Name] = "the default ErrorCount filter (disableErrorCount: false)"
		}
		if p.checkFilterTier(&v, path+".tier", f.Tier) {
			metricCount[f.Tier]++
		}
		pat, err := pattern.Parse(f.Pattern)
		if err != nil {
			v.Add(path+".pattern", f.Pattern, "a valid CloudWatch filter pattern (%v)", err)
		} else if pat.HasRegex() {
			regexCount[f.Tier]++
		}
		if f.MetricName == "" || len(f.MetricName) > 255 {
			v.Add(path+".metricName", f.MetricName, "1-255 characters")
		}
		if !namespaceRE.MatchString(f.Namespace) || strings.HasPrefix(f.Namespace, "AWS/") {
			v.Add(path+".namespace", f.Namespace, "1-255 letters, digits and . - _ / # : space, not starting with AWS/")
		}
		if err == nil && !numberRE.MatchString(f.Value) && !selects(pat, f.Value) {
			v.Add(path+".value", f.Value, "a number such as 1, or a selector of the pattern (%s)", selectorHint(pat))
		}
		if f.Unit != "" && !slices.Contains(standardUnits, f.Unit) {
			v.Add(path+".unit", f.Unit, "a CloudWatch standard unit such as Count, Milliseconds, Bytes or None")
		}
		if len(f.Dimensions) > 0 {
			if f.DefaultValue != nil {
				v.Add(path+".defaultValue", *f.DefaultValue, "no value when dimensions are set: CloudWatch Logs rejects a default value on a metric filter with dimensions")
			}
			if len(f.Dimensions) > MaxDimensions {
				v.Add(path+".dimensions", len(f.Dimensions), "at most %d dimensions per metric filter", MaxDimensions)
			}
			for _, k := range sortedKeys(f.Dimensions) {
				sel := f.Dimensions[k]
				dpath := validation.Key(path+".dimensions", k)
				if k == "" || len(k) > 255 {
					v.Add(dpath, k, "a dimension name of 1-255 characters")
				}
				if err == nil && pat.Kind() == pattern.KindTerms {
					v.Add(dpath, sel, "no dimensions on a term pattern: CloudWatch Logs supports dimensions only with JSON or space-delimited patterns")
				} else if err == nil && !selects(pat, sel) {
					v.Add(dpath, sel, "a selector of the pattern (%s)", selectorHint(pat))
				}
				if field, high := highCardinality(k, sel); high {
					v.Add(dpath, sel, "a low-cardinality field such as service, region, tier or status class; %q is high-cardinality: keep high-cardinality data (user IDs, request IDs, URLs, timestamps) in logs, not metrics", field)
				}
			}
		}
	}

	for i, f := range p.Forwarding {
		path := validation.Index("forwarding", i)
		checkName(path+".name", f.Name)
		switch f.Destination {
		case ToLambda, ToFirehose:
			if f.Distribution != "" {
				v.Add(path+".distribution", f.Distribution, "no value: distribution applies to kinesis only")
			}
		case ToKinesis:
			if f.Distribution != "" && f.Distribution != "ByLogStream" && f.Distribution != "Random" {
				v.Add(path+".distribution", f.Distribution, "one of ByLogStream, Random")
			}
		default:
			v.Add(path+".destination", f.Destination, "one of lambda, firehose, kinesis")
		}
		pat, err := pattern.Parse(f.Pattern)
		if err != nil {
			v.Add(path+".pattern", f.Pattern, "a valid CloudWatch filter pattern (%v)", err)
		}
		if len(f.Tiers) == 0 {
			v.Add(path+".tiers", "", "at least one STANDARD cloudwatch tier (none keeps logs in a STANDARD log group)")
		}
		for j, tier := range f.Tiers {
			if p.checkFilterTier(&v, validation.Index(path+".tiers", j), tier) {
				subCount[tier]++
				if err == nil && pat.HasRegex() {
					regexCount[tier]++
				}
			}
		}
	}

	for _, tier := range TierNames {
		lower := strings.ToLower(tier)
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
func (p ServiceLogsProps) checkFilterTier(v *validation.Errors, path, tier string) bool {
	if !slices.Contains(TierNames, tier) {
		v.Add(path, tier, "one of ERROR, WARN, INFO, DEBUG")
		return false
	}
	t := p.Tiers.get(tier)
	if t.Destination != CloudWatch {
		v.Add(path, tier, "a tier with destination cloudwatch (%s goes to %s, so it has no log group)", tier, t.Destination)
		return false
	}
	if t.Class == InfrequentAccess {
		v.Add(path, tier, "a STANDARD tier: the Infrequent Access log class supports no metric or subscription filters")
		return false
	}
	return true
}

func (p ServiceLogsProps) validateFluentBit(v *validation.Errors) {
	fb := p.FluentBit
	if !fb.Publish {
		return
	}
	if fb.Input != fluentbit.InputFireLens && fb.Input != fluentbit.InputTail {
		v.Add("fluentBit.input", fb.Input, "one of firelens, tail")
	}
	if !slices.Contains(TierNames, fb.UnmatchedTier) {
		v.Add("fluentBit.unmatchedTier", fb.UnmatchedTier, "one of ERROR, WARN, INFO, DEBUG")
	}
	for i, tier := range fb.IndexedTiers {
		if !slices.Contains(TierNames, tier) {
			v.Add(validation.Index("fluentBit.indexedTiers", i), tier, "one of ERROR, WARN, INFO, DEBUG")
		}
	}
	if !ssmNameRE.MatchString(fb.ParameterName) {
		v.Add("fluentBit.parameterName", fb.ParameterName, "an SSM parameter name starting with '/', of letters, digits and _ . - /")
	}
	spec := p.fluentBitSpec("us-east-1", "archive-bucket", DefaultArchivePrefix)
	if err := spec.Check(); err != nil {
		v.Add("fluentBit", "", "a config Fluent Bit can run (%v)", err)
	}
}

// fluentBitSpec builds the routing from the tiers (after defaults).
func (p ServiceLogsProps) fluentBitSpec(region, bucket, archivePrefix string) fluentbit.Spec {
	fb := p.FluentBit
	s := fluentbit.Spec{
		Service: p.Service, Region: region, Input: fb.Input, InputMatch: fb.InputMatch,
		TailPath: fb.TailPath, ParsersFile: fb.ParsersFile, LevelKey: fb.LevelKey,
		UnmatchedTier: strings.ToLower(fb.UnmatchedTier),
	}
	if fb.OpenSearchEndpoint != "" {
		s.OpenSearch = fluentbit.OpenSearch{Endpoint: fb.OpenSearchEndpoint, Index: fb.OpenSearchIndex}
	}
	for _, tier := range TierNames {
		t := p.Tiers.get(tier)
		ft := fluentbit.Tier{Name: strings.ToLower(tier), Levels: t.Levels}
		switch t.Destination {
		case CloudWatch:
			ft.LogGroupName = LogGroupName(p.LogGroupPrefix, p.Service, tier)
		case S3:
			ft.S3Bucket = bucket
			ft.S3KeyPrefix = ArchiveKeyPrefix(archivePrefix, p.Service, tier)
		}
		ft.Index = fb.OpenSearchEndpoint != "" && slices.Contains(fb.IndexedTiers, tier)
		s.Tiers = append(s.Tiers, ft)
	}
	return s
}

// selects reports whether ref is a selector the pattern can read: a JSON
// selector ($.a.b) for JSON patterns, $field for a named space field.
func selects(p pattern.Pattern, ref string) bool {
	switch p.Kind() {
	case pattern.KindJSON:
		probe, err := pattern.Parse("{ " + ref + " = 1 }")
		return err == nil && len(probe.Selectors()) == 1 && probe.Selectors()[0] == ref
	case pattern.KindSpace:
		return strings.HasPrefix(ref, "$") && p.HasField(ref[1:])
	}
	return false
}

func selectorHint(p pattern.Pattern) string {
	switch p.Kind() {
	case pattern.KindJSON:
		return "e.g. $.latency_ms"
	case pattern.KindSpace:
		fs := p.Fields()
		for i := range fs {
			fs[i] = "$" + fs[i]
		}
		return "one of " + strings.Join(fs, ", ")
	}
	return "term patterns have no fields"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
