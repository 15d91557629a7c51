package anomaly

import (
	"fmt"
	"maps"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Comparison operators of an anomaly-band alarm (the only three CloudWatch
// accepts with ANOMALY_DETECTION_BAND).
const (
	OutsideBand = "LessThanLowerOrGreaterThanUpperThreshold"
	BelowBand   = "LessThanLowerThreshold"
	AboveBand   = "GreaterThanUpperThreshold"
)

// TreatMissingData values.
const (
	MissingBreaching    = "breaching"
	MissingNotBreaching = "notBreaching"
	MissingIgnore       = "ignore"
	MissingMissing      = "missing"
)

// Notify values: which alarms send notifications to the alerts topic.
const (
	// NotifyAlarms: every band alarm and the error-rate alarm notify
	// (ALARM and OK), one page per alarm; the composite only rolls the
	// service up. Each incident then carries its metric's figures.
	NotifyAlarms = "alarms"
	// NotifyComposite: only the service's composite alarm notifies (ALARM
	// and OK), one page per service however many of its alarms fire. The
	// enricher names the child alarms that moved it, with console links,
	// instead of figures (a composite has no metric).
	NotifyComposite = "composite"
	// NotifyNone: no alarm actions.
	NotifyNone = "none"
)

// Severities written into alarm descriptions ("Severity: <level>"), which
// the enricher publishes as the severity message attribute.
var severities = []string{"critical", "high", "medium", "low", "info"}

// Placeholders in dimension values, replaced per service.
const (
	ServicePlaceholder = "{service}"
	APIPlaceholder     = "{apiName}"
)

// MetricSource is one CloudWatch metric.
type MetricSource struct {
	// Namespace, e.g. "AWS/Lambda". Required.
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	// MetricName, e.g. "Duration". Required.
	MetricName string `yaml:"metricName,omitempty" json:"metricName,omitempty"`
	// Dimensions name the series; values may contain "{service}" and
	// "{apiName}", replaced per service (a metric using "{apiName}" is
	// skipped for services without an API). At most 30.
	Dimensions map[string]string `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	// Stat, e.g. Average, Sum, p99. Default: Average for a detected
	// metric, Sum for metric-math inputs and error-rate sources.
	Stat string `yaml:"stat,omitempty" json:"stat,omitempty"`
	// Cardinality declares how many values each dimension takes across
	// the platform, for the series budget. Default: derived for dimensions
	// whose value is "{service}" or "{apiName}" or whose name is Service,
	// ServiceName, FunctionName, ApiName (number of services) or Region
	// (number of regions); required for every other dimension.
	Cardinality map[string]int `yaml:"cardinality,omitempty" json:"cardinality,omitempty"`
}

// MathInput is a metric a metric-math expression reads, under its ID.
type MathInput struct {
	// ID names the input in the expression: a lowercase letter, then
	// letters, digits or '_'. Not "m1" or "ad1", which the alarm uses.
	ID           string `yaml:"id" json:"id"`
	MetricSource `yaml:",inline" json:",inline"`
}

// TimeRange is a period the anomaly model must not learn from (a
// deployment, an outage, a sale).
type TimeRange struct {
	Start time.Time `yaml:"start" json:"start"`
	End   time.Time `yaml:"end" json:"end"`
}

// Anomaly configures a detector and its band alarm. A zero field means
// "inherit": a metric's Anomaly inherits from ServiceAlarmsProps.Anomaly,
// which inherits the defaults below.
type Anomaly struct {
	// BandWidth is k in ANOMALY_DETECTION_BAND(m1, k), in standard
	// deviations, above 0 and at most 100. Default: 2.
	BandWidth float64 `yaml:"bandWidth,omitempty" json:"bandWidth,omitempty"`
	// EvaluationPeriods the alarm looks at. Default: 2.
	EvaluationPeriods int `yaml:"evaluationPeriods,omitempty" json:"evaluationPeriods,omitempty"`
	// DatapointsToAlarm of those periods must breach, at most
	// EvaluationPeriods. Default: EvaluationPeriods.
	DatapointsToAlarm int `yaml:"datapointsToAlarm,omitempty" json:"datapointsToAlarm,omitempty"`
	// ComparisonOperator: LessThanLowerOrGreaterThanUpperThreshold,
	// LessThanLowerThreshold or GreaterThanUpperThreshold. Default:
	// LessThanLowerOrGreaterThanUpperThreshold (the default error-rate
	// metric uses GreaterThanUpperThreshold: fewer errors is no incident).
	ComparisonOperator string `yaml:"comparisonOperator,omitempty" json:"comparisonOperator,omitempty"`
	// TreatMissingData: breaching, notBreaching, ignore or missing.
	// Default: ignore. Latency and error metrics have no datapoints while
	// a service is idle; "ignore" keeps the alarm in its state, so a quiet
	// service neither flaps to INSUFFICIENT_DATA nor reports a false
	// "resolved" when traffic stops during an incident.
	TreatMissingData string `yaml:"treatMissingData,omitempty" json:"treatMissingData,omitempty"`
	// TimeZone (IANA, e.g. "Europe/Berlin") the model uses for daily and
	// weekly seasonality, so daylight saving time does not look like an
	// anomaly. Default: UTC.
	TimeZone string `yaml:"timeZone,omitempty" json:"timeZone,omitempty"`
	// ExcludedTimeRanges are left out of the model's training. Default:
	// none.
	ExcludedTimeRanges []TimeRange `yaml:"excludedTimeRanges,omitempty" json:"excludedTimeRanges,omitempty"`
}

// over fills a's zero fields from base.
func (a Anomaly) over(base Anomaly) Anomaly {
	if a.BandWidth == 0 {
		a.BandWidth = base.BandWidth
	}
	if a.EvaluationPeriods == 0 {
		a.EvaluationPeriods = base.EvaluationPeriods
	}
	if a.DatapointsToAlarm == 0 {
		a.DatapointsToAlarm = base.DatapointsToAlarm
	}
	if a.ComparisonOperator == "" {
		a.ComparisonOperator = base.ComparisonOperator
	}
	if a.TreatMissingData == "" {
		a.TreatMissingData = base.TreatMissingData
	}
	if a.TimeZone == "" {
		a.TimeZone = base.TimeZone
	}
	if len(a.ExcludedTimeRanges) == 0 {
		a.ExcludedTimeRanges = base.ExcludedTimeRanges
	}
	return a
}

var defaultAnomaly = Anomaly{BandWidth: 2, EvaluationPeriods: 2, ComparisonOperator: OutsideBand, TreatMissingData: MissingIgnore}

// Metric is one metric watched by an anomaly detector and a band alarm:
// either a single metric (Namespace, MetricName, Dimensions, Stat) or a
// metric-math Expression over Inputs.
type Metric struct {
	// ID names the metric in alarm names and construct ids: a lowercase
	// letter, then lowercase letters, digits or '-', at most 32. Unique.
	ID string `yaml:"id" json:"id"`
	// MetricSource is the single metric; leave it empty with Expression.
	MetricSource `yaml:",inline" json:",inline"`
	// Expression is a metric-math expression over Inputs, e.g.
	// "100 * errors / invocations"; the detector is then a metric-math
	// detector. Default: none (single metric).
	Expression string `yaml:"expression,omitempty" json:"expression,omitempty"`
	// Inputs are the metrics Expression reads, 1-10.
	Inputs []MathInput `yaml:"inputs,omitempty" json:"inputs,omitempty"`
	// Period of the datapoints, whole minutes. Default: 1m.
	Period time.Duration `yaml:"period,omitempty" json:"period,omitempty"`
	// Anomaly overrides the service-wide settings for this metric.
	Anomaly Anomaly `yaml:"anomaly,omitempty" json:"anomaly,omitempty"`
	// Severity written into the alarm description: critical, high,
	// medium, low or info. Default: medium (a band alarm is a signal to
	// look at, a static threshold a breach).
	Severity string `yaml:"severity,omitempty" json:"severity,omitempty"`
	// RunbookURL of this metric's alarm. Default: the service's runbook.
	RunbookURL string `yaml:"runbookUrl,omitempty" json:"runbookUrl,omitempty"`
}

// DefaultMetrics are the metrics watched when ServiceAlarmsProps.Metrics is
// empty: the service's Lambda latency and error rate, and, for a service
// with an API, the seed's API Gateway Latency.
func DefaultMetrics() []Metric {
	fn := map[string]string{"FunctionName": ServicePlaceholder}
	return []Metric{
		{ID: "latency", MetricSource: MetricSource{Namespace: "AWS/Lambda", MetricName: "Duration", Dimensions: fn, Stat: "Average"}},
		{ID: "error-rate", Expression: "100 * errors / invocations",
			Inputs: []MathInput{
				{ID: "errors", MetricSource: MetricSource{Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: fn, Stat: "Sum"}},
				{ID: "invocations", MetricSource: MetricSource{Namespace: "AWS/Lambda", MetricName: "Invocations", Dimensions: fn, Stat: "Sum"}},
			},
			Anomaly: Anomaly{ComparisonOperator: AboveBand}},
		{ID: "api-latency", MetricSource: MetricSource{Namespace: "AWS/ApiGateway", MetricName: "Latency",
			Dimensions: map[string]string{"ApiName": APIPlaceholder}, Stat: "Average"}},
	}
}

// ErrorRate is the static-threshold alarm on 100 * errors / requests.
type ErrorRate struct {
	// Disabled skips the alarm. Default: false.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// ThresholdPercent the error rate must exceed, above 0 and at most
	// 100. Default: 5.
	ThresholdPercent float64 `yaml:"thresholdPercent,omitempty" json:"thresholdPercent,omitempty"`
	// Errors counts failed requests. Default (when namespace and
	// metricName are both empty): AWS/Lambda Errors (Sum) by
	// FunctionName={service}. With "{apiName}" in a dimension, services
	// without an API get no error-rate alarm.
	Errors MetricSource `yaml:"errors,omitempty" json:"errors,omitempty"`
	// Requests counts all requests. Default: AWS/Lambda Invocations (Sum)
	// by FunctionName={service}.
	Requests MetricSource `yaml:"requests,omitempty" json:"requests,omitempty"`
	// Period, whole minutes. Default: 1m.
	Period time.Duration `yaml:"period,omitempty" json:"period,omitempty"`
	// EvaluationPeriods. Default: 2.
	EvaluationPeriods int `yaml:"evaluationPeriods,omitempty" json:"evaluationPeriods,omitempty"`
	// DatapointsToAlarm, at most EvaluationPeriods. Default:
	// EvaluationPeriods.
	DatapointsToAlarm int `yaml:"datapointsToAlarm,omitempty" json:"datapointsToAlarm,omitempty"`
	// TreatMissingData. Default: ignore (see Anomaly.TreatMissingData).
	TreatMissingData string `yaml:"treatMissingData,omitempty" json:"treatMissingData,omitempty"`
	// Severity. Default: high.
	Severity string `yaml:"severity,omitempty" json:"severity,omitempty"`
}

func (e ErrorRate) withDefaults() ErrorRate {
	fn := map[string]string{"FunctionName": ServicePlaceholder}
	if e.ThresholdPercent == 0 {
		e.ThresholdPercent = 5
	}
	if e.Errors.Namespace == "" && e.Errors.MetricName == "" {
		e.Errors = MetricSource{Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: fn, Cardinality: e.Errors.Cardinality}
	}
	if e.Requests.Namespace == "" && e.Requests.MetricName == "" {
		e.Requests = MetricSource{Namespace: "AWS/Lambda", MetricName: "Invocations", Dimensions: fn, Cardinality: e.Requests.Cardinality}
	}
	if e.Errors.Stat == "" {
		e.Errors.Stat = "Sum"
	}
	if e.Requests.Stat == "" {
		e.Requests.Stat = "Sum"
	}
	if e.Period == 0 {
		e.Period = time.Minute
	}
	if e.EvaluationPeriods == 0 {
		e.EvaluationPeriods = 2
	}
	if e.DatapointsToAlarm == 0 {
		e.DatapointsToAlarm = e.EvaluationPeriods
	}
	if e.TreatMissingData == "" {
		e.TreatMissingData = MissingIgnore
	}
	if e.Severity == "" {
		e.Severity = "high"
	}
	return e
}

// ServiceAlarmsProps configures one service's detectors and alarms.
type ServiceAlarmsProps struct {
	// Name is the platform name that starts every alarm name: 1-40
	// letters, digits, '.', '_' or '-'. Default: "o11yscale".
	Name string `yaml:"-" json:"-"`
	// Service is the service name, 1-64 letters, digits, '.', '_' or '-'.
	// Required (checked by NewServiceAlarms; Validate accepts it empty so
	// a platform config can be validated before services are known).
	Service string `yaml:"-" json:"-"`
	// APIName is the service's API Gateway API name; metrics using
	// "{apiName}" are created only when it is set.
	APIName string `yaml:"-" json:"-"`
	// AlertsTopic receives the notifications; or give AlertsTopicArn (for
	// a nested stack, a deterministic ARN avoids a stack parameter).
	// Exactly one is required unless Notify is "none".
	AlertsTopic    awssns.ITopic `yaml:"-" json:"-"`
	AlertsTopicArn string        `yaml:"-" json:"-"`
	// Notify says which alarms notify: "composite" (only the service's
	// composite alarm, on ALARM and OK), "alarms" (each band alarm and the
	// error-rate alarm, on ALARM and OK) or "none". Default: "composite":
	// one page per service instead of one per alarm, since an incident
	// often trips several alarms of one service at once (latency and
	// error rate, say); choose "alarms" to get each metric's figures in
	// its own incident.
	Notify string `yaml:"notify,omitempty" json:"notify,omitempty"`
	// Metrics watched by detectors and band alarms. Default:
	// DefaultMetrics() (latency, error-rate, and api-latency for a service
	// with an API).
	Metrics []Metric `yaml:"metrics,omitempty" json:"metrics,omitempty"`
	// Anomaly holds the service-wide detector and band alarm settings
	// (each metric may override them). Defaults: see Anomaly.
	Anomaly Anomaly `yaml:"anomaly,omitempty" json:"anomaly,omitempty"`
	// ErrorRate is the static-threshold alarm. Default: above 5% for 2 of
	// 2 minutes.
	ErrorRate ErrorRate `yaml:"errorRate,omitempty" json:"errorRate,omitempty"`
	// RunbookURL of the service, written as "Runbook: <url>" into every
	// alarm description. Default: RunbookBaseURL/<alarm name>, as the
	// enricher derives it; none when that is empty too.
	RunbookURL string `yaml:"runbookUrl,omitempty" json:"runbookUrl,omitempty"`
	// RunbookBaseURL gives each alarm the runbook <base>/<alarm name>.
	// Default: none.
	RunbookBaseURL string `yaml:"runbookBaseUrl,omitempty" json:"runbookBaseUrl,omitempty"`
	// Budget bounds the series of every alarm metric.
	Budget Budget `yaml:"budget,omitempty" json:"budget,omitempty"`
}

func (p ServiceAlarmsProps) withDefaults() ServiceAlarmsProps {
	if p.Name == "" {
		p.Name = "o11yscale"
	}
	if p.Notify == "" {
		p.Notify = NotifyComposite
	}
	if p.Metrics == nil {
		p.Metrics = DefaultMetrics()
	}
	p.Anomaly = p.Anomaly.over(defaultAnomaly)
	p.ErrorRate = p.ErrorRate.withDefaults()
	return p
}

// resolved is a metric with its settings merged and placeholders replaced.
type resolved struct {
	Metric
	index int // in Metrics, for error paths
}

// metrics returns the metrics this service gets, merged with the
// service-wide settings and with placeholders replaced; metrics needing an
// API name are skipped when the service has none.
func (p ServiceAlarmsProps) metrics() []resolved {
	var out []resolved
	for i, m := range p.Metrics {
		if p.APIName == "" && m.usesAPI() {
			continue
		}
		m.Anomaly = m.Anomaly.over(p.Anomaly)
		if m.Anomaly.DatapointsToAlarm == 0 {
			m.Anomaly.DatapointsToAlarm = m.Anomaly.EvaluationPeriods
		}
		if m.Period == 0 {
			m.Period = time.Minute
		}
		if m.Severity == "" {
			m.Severity = "medium"
		}
		if m.Expression == "" {
			m.MetricSource = p.expand(m.MetricSource, "Average")
		}
		inputs := make([]MathInput, len(m.Inputs))
		for j, in := range m.Inputs {
			inputs[j] = MathInput{ID: in.ID, MetricSource: p.expand(in.MetricSource, "Sum")}
		}
		m.Inputs = inputs
		out = append(out, resolved{Metric: m, index: i})
	}
	return out
}

func (m Metric) usesAPI() bool {
	for _, s := range append([]MathInput{{MetricSource: m.MetricSource}}, m.Inputs...) {
		for _, v := range s.Dimensions {
			if strings.Contains(v, APIPlaceholder) {
				return true
			}
		}
	}
	return false
}

// expand replaces the placeholders and derives the cardinality of
// dimensions whose value is the service or API name.
func (p ServiceAlarmsProps) expand(s MetricSource, stat string) MetricSource {
	service, api := p.Service, p.APIName
	if service == "" {
		service = "service"
	}
	if api == "" {
		api = "api"
	}
	out := MetricSource{Namespace: s.Namespace, MetricName: s.MetricName, Stat: s.Stat, Cardinality: maps.Clone(s.Cardinality)}
	if out.Stat == "" {
		out.Stat = stat
	}
	if len(s.Dimensions) > 0 {
		out.Dimensions = make(map[string]string, len(s.Dimensions))
	}
	for k, v := range s.Dimensions {
		if (v == ServicePlaceholder || v == APIPlaceholder) && out.Cardinality[k] == 0 {
			if out.Cardinality == nil {
				out.Cardinality = map[string]int{}
			}
			out.Cardinality[k] = max(p.Budget.Services, 1)
		}
		out.Dimensions[k] = strings.NewReplacer(ServicePlaceholder, service, APIPlaceholder, api).Replace(v)
	}
	return out
}

var (
	namePattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)
	servicePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	metricIDRe     = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	queryIDRe      = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]{0,254}$`)
	statRe         = regexp.MustCompile(`^(Average|Sum|Minimum|Maximum|SampleCount|IQM|(p|tm|wm|tc|ts)(100|[0-9]{1,2}(\.[0-9]{1,10})?))$`)
)

// Validate reports every invalid field at once, without creating
// anything. Service may be empty (see Service).
func (p ServiceAlarmsProps) Validate() error {
	var v validation.Errors
	if p.Name != "" && !namePattern.MatchString(p.Name) {
		v.Add("name", p.Name, "1-40 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if p.Service != "" && !servicePattern.MatchString(p.Service) {
		v.Add("service", p.Service, "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if p.APIName != "" && (len(p.APIName) > 1024 || strings.ContainsAny(p.APIName, "\n\r")) {
		v.Add("apiName", p.APIName, "an API Gateway API name (a dimension value of at most 1024 characters, one line)")
	}
	if p.Notify != "" && !slices.Contains([]string{NotifyAlarms, NotifyComposite, NotifyNone}, p.Notify) {
		v.Add("notify", p.Notify, "one of alarms, composite, none")
	}
	v.Merge("budget", p.Budget.Validate())
	validateAnomaly(&v, "anomaly", p.Anomaly)
	for _, u := range []struct{ path, url string }{{"runbookUrl", p.RunbookURL}, {"runbookBaseUrl", p.RunbookBaseURL}} {
		if u.url != "" && !isHTTPURL(u.url) {
			v.Add(u.path, u.url, "an http(s) URL with a host and no spaces")
		}
	}
	if p.Metrics != nil && len(p.Metrics) == 0 {
		v.Add("metrics", "[]", "at least one metric, or leave it out for the defaults")
	}
	ids := map[string]int{}
	for i, m := range p.Metrics {
		at := validation.Index("metrics", i)
		if !metricIDRe.MatchString(m.ID) {
			v.Add(at+".id", m.ID, "a lowercase letter, then lowercase letters, digits or '-', at most 32 characters")
		} else if j, dup := ids[m.ID]; dup {
			v.Add(at+".id", m.ID, "an id unique among the metrics; metrics[%d] has it too", j)
		}
		ids[m.ID] = i
		validateAnomaly(&v, at+".anomaly", m.Anomaly)
		if m.Period != 0 && (m.Period%time.Minute != 0 || m.Period < 0) {
			v.Add(at+".period", m.Period.String(), "whole minutes, at least 1m")
		}
		if m.Severity != "" && !slices.Contains(severities, m.Severity) {
			v.Add(at+".severity", m.Severity, "one of %s", strings.Join(severities, ", "))
		}
		if m.RunbookURL != "" && !isHTTPURL(m.RunbookURL) {
			v.Add(at+".runbookUrl", m.RunbookURL, "an http(s) URL with a host and no spaces")
		}
		validateMetricShape(&v, at, m)
	}
	// The resolved metrics carry the merged settings and the derived
	// cardinalities; their errors point at the declaring metric.
	for _, r := range p.withDefaults().withPlaceholderAPI().metrics() {
		at := validation.Index("metrics", r.index)
		a := r.Anomaly
		if a.DatapointsToAlarm > a.EvaluationPeriods {
			v.Add(at+".anomaly.datapointsToAlarm", a.DatapointsToAlarm, "at most evaluationPeriods (%d)", a.EvaluationPeriods)
		}
		if r.Period > 0 && time.Duration(a.EvaluationPeriods)*r.Period > 24*time.Hour {
			v.Add(at+".anomaly.evaluationPeriods", a.EvaluationPeriods, "evaluationPeriods x period (%s) of at most one day", r.Period)
		}
		if r.Expression == "" {
			checkSource(&v, at, r.MetricSource, p.Budget)
		}
		for j, in := range r.Inputs {
			checkSource(&v, validation.Index(at+".inputs", j), in.MetricSource, p.Budget)
		}
	}
	validateErrorRate(&v, p)
	if err := v.Err(); err != nil {
		return err
	}
	// Descriptions and names depend on everything above; check their
	// limits only once the parts are valid.
	p = p.withDefaults()
	if p.Service == "" {
		p.Service = strings.Repeat("s", 64)
	}
	for _, a := range p.plan("ap-southeast-15") {
		if len(a.name) > maxAlarmName {
			v.Add(a.path, a.name, "an alarm name of at most %d characters", maxAlarmName)
		}
		if len(a.description) > maxDescription {
			v.Add(a.runbookPath, a.runbook, "a URL short enough for the alarm description's %d characters (it has %d)", maxDescription, len(a.description))
		}
	}
	return v.Err()
}

// withPlaceholderAPI sets an API name so that validation covers metrics
// that use "{apiName}" even before the services are known.
func (p ServiceAlarmsProps) withPlaceholderAPI() ServiceAlarmsProps {
	if p.APIName == "" {
		p.APIName = "api"
	}
	return p
}

func validateAnomaly(v *validation.Errors, at string, a Anomaly) {
	if a.BandWidth < 0 || a.BandWidth > 100 {
		v.Add(at+".bandWidth", a.BandWidth, "a band width k above 0 and at most 100 standard deviations")
	}
	if a.EvaluationPeriods < 0 {
		v.Add(at+".evaluationPeriods", a.EvaluationPeriods, "1 or more")
	}
	if a.DatapointsToAlarm < 0 {
		v.Add(at+".datapointsToAlarm", a.DatapointsToAlarm, "1 or more")
	}
	if a.ComparisonOperator != "" && !slices.Contains([]string{OutsideBand, BelowBand, AboveBand}, a.ComparisonOperator) {
		v.Add(at+".comparisonOperator", a.ComparisonOperator, "one of %s, %s, %s", OutsideBand, BelowBand, AboveBand)
	}
	validateMissing(v, at+".treatMissingData", a.TreatMissingData)
	if a.TimeZone != "" {
		if _, err := time.LoadLocation(a.TimeZone); err != nil || a.TimeZone == "Local" || len(a.TimeZone) > 50 {
			v.Add(at+".timeZone", a.TimeZone, "an IANA time zone such as Europe/Berlin or UTC")
		}
	}
	for i, r := range a.ExcludedTimeRanges {
		rat := validation.Index(at+".excludedTimeRanges", i)
		if r.Start.IsZero() || r.End.IsZero() {
			v.Add(rat, fmt.Sprintf("%s to %s", r.Start.Format(time.RFC3339), r.End.Format(time.RFC3339)), "a start and an end")
		} else if !r.End.After(r.Start) {
			v.Add(rat+".end", r.End.Format(time.RFC3339), "a time after start (%s)", r.Start.Format(time.RFC3339))
		}
	}
}

func validateMissing(v *validation.Errors, at, value string) {
	if value != "" && !slices.Contains([]string{MissingBreaching, MissingNotBreaching, MissingIgnore, MissingMissing}, value) {
		v.Add(at, value, "one of breaching, notBreaching, ignore, missing")
	}
}

func validateMetricShape(v *validation.Errors, at string, m Metric) {
	single := m.Namespace != "" || m.MetricName != "" || len(m.Dimensions) > 0
	switch {
	case m.Expression == "" && len(m.Inputs) > 0:
		v.Add(at+".inputs", len(m.Inputs), "no inputs without an expression")
	case m.Expression == "":
		validateSource(v, at, m.MetricSource)
	default:
		if single {
			v.Add(at+".metricName", m.MetricName, "empty when expression is set (the expression reads inputs)")
		}
		if len(m.Expression) > 1024 || strings.ContainsAny(m.Expression, "\n\r") {
			v.Add(at+".expression", m.Expression, "a one-line metric-math expression of at most 1024 characters")
		}
		if strings.Contains(strings.ToUpper(m.Expression), "ANOMALY_DETECTION_BAND") {
			v.Add(at+".expression", m.Expression, "the expression of the series; the band is added by the alarm")
		}
		if len(m.Inputs) == 0 || len(m.Inputs) > 10 {
			v.Add(at+".inputs", len(m.Inputs), "1-10 inputs the expression reads")
		}
		seen := map[string]bool{}
		for j, in := range m.Inputs {
			iat := validation.Index(at+".inputs", j)
			switch {
			case !queryIDRe.MatchString(in.ID) || in.ID == bandSeriesID || in.ID == bandID:
				v.Add(iat+".id", in.ID, "a lowercase letter, then letters, digits or '_'; not m1 or ad1")
			case seen[in.ID]:
				v.Add(iat+".id", in.ID, "an id unique among the inputs")
			}
			seen[in.ID] = true
			validateSource(v, iat, in.MetricSource)
		}
	}
}

func validateSource(v *validation.Errors, at string, s MetricSource) {
	if s.Namespace == "" || len(s.Namespace) > 255 {
		v.Add(at+".namespace", s.Namespace, "a namespace of 1-255 characters, e.g. AWS/Lambda")
	}
	if s.MetricName == "" || len(s.MetricName) > 255 {
		v.Add(at+".metricName", s.MetricName, "a metric name of 1-255 characters")
	}
	if s.Stat != "" && !statRe.MatchString(s.Stat) {
		v.Add(at+".stat", s.Stat, "Average, Sum, Minimum, Maximum, SampleCount, IQM or a percentile-style statistic such as p99 or tm90")
	}
	for _, k := range slices.Sorted(maps.Keys(s.Dimensions)) {
		if val := s.Dimensions[k]; val == "" || len(val) > 1024 {
			v.Add(validation.Key(at+".dimensions", k), val, "a dimension value of 1-1024 characters")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(s.Cardinality)) {
		if _, ok := s.Dimensions[k]; !ok {
			v.Add(validation.Key(at+".cardinality", k), s.Cardinality[k], "the cardinality of one of the metric's dimensions")
		}
	}
}

// checkSource runs the cardinality check on a resolved source and maps its
// errors to the dimensions map (names) and the cardinality map.
func checkSource(v *validation.Errors, at string, s MetricSource, b Budget) {
	names := slices.Sorted(maps.Keys(s.Dimensions))
	dims := make([]Dimension, len(names))
	for i, n := range names {
		dims[i] = Dimension{Name: n, Cardinality: s.Cardinality[n]}
	}
	_, err := CheckCardinality(dims, b)
	for _, fe := range validation.Fields(err) {
		path := at + ".dimensions"
		var i int
		var field string
		if _, scanErr := fmt.Sscanf(fe.Path, "[%d].%s", &i, &field); scanErr == nil && i < len(names) {
			if field == "cardinality" {
				path = validation.Key(at+".cardinality", names[i])
			} else {
				path = validation.Key(at+".dimensions", names[i])
			}
		}
		v.Add(path, fe.Value, "%s", fe.Allowed)
	}
}

func validateErrorRate(v *validation.Errors, p ServiceAlarmsProps) {
	e := p.ErrorRate
	if e.Disabled {
		return
	}
	if e.ThresholdPercent < 0 || e.ThresholdPercent > 100 {
		v.Add("errorRate.thresholdPercent", e.ThresholdPercent, "a percentage above 0 and at most 100")
	}
	if e.Period != 0 && (e.Period%time.Minute != 0 || e.Period < 0) {
		v.Add("errorRate.period", e.Period.String(), "whole minutes, at least 1m")
	}
	if e.EvaluationPeriods < 0 {
		v.Add("errorRate.evaluationPeriods", e.EvaluationPeriods, "1 or more")
	}
	if e.DatapointsToAlarm < 0 {
		v.Add("errorRate.datapointsToAlarm", e.DatapointsToAlarm, "1 or more")
	}
	validateMissing(v, "errorRate.treatMissingData", e.TreatMissingData)
	if e.Severity != "" && !slices.Contains(severities, e.Severity) {
		v.Add("errorRate.severity", e.Severity, "one of %s", strings.Join(severities, ", "))
	}
	d := e.withDefaults()
	if e.Period >= 0 && e.EvaluationPeriods >= 0 && e.DatapointsToAlarm >= 0 {
		if d.DatapointsToAlarm > d.EvaluationPeriods {
			v.Add("errorRate.datapointsToAlarm", d.DatapointsToAlarm, "at most evaluationPeriods (%d)", d.EvaluationPeriods)
		}
		if time.Duration(d.EvaluationPeriods)*d.Period > 24*time.Hour {
			v.Add("errorRate.evaluationPeriods", d.EvaluationPeriods, "evaluationPeriods x period (%s) of at most one day", d.Period)
		}
	}
	for _, s := range []struct {
		path string
		src  MetricSource
	}{{"errorRate.errors", d.Errors}, {"errorRate.requests", d.Requests}} {
		validateSource(v, s.path, s.src)
		checkSource(v, s.path, p.withPlaceholderAPI().expand(s.src, "Sum"), p.Budget)
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(s, " \t\r\n")
}

// Subscriber is one endpoint of the incidents topic.
type Subscriber struct {
	// Endpoint is an email address (email) or an https URL (https, chat).
	Endpoint string `yaml:"endpoint" json:"endpoint"`
	// Severities limits delivery to incidents of these severities
	// (critical, high, medium, low, info), matched on the enricher's
	// severity message attribute. Default: all.
	Severities []string `yaml:"severities,omitempty" json:"severities,omitempty"`
}

// Subscriptions are the human-facing endpoints; they receive the enriched
// incidents, not the raw alarm JSON.
type Subscriptions struct {
	// Email addresses (each must confirm the subscription).
	Email []Subscriber `yaml:"email,omitempty" json:"email,omitempty"`
	// HTTPS endpoints receive the SNS JSON envelope.
	HTTPS []Subscriber `yaml:"https,omitempty" json:"https,omitempty"`
	// Chat webhooks (https) receive the readable incident text as the raw
	// body (raw message delivery). AWS Chatbot is out of scope; point this
	// at a relay that posts text to Slack or Chime.
	Chat []Subscriber `yaml:"chat,omitempty" json:"chat,omitempty"`
}

// EnricherImportPath is the alert-enrichment Lambda's main package.
const EnricherImportPath = "github.com/o11yscale/o11yscale/lambdas/enricher"

// AlertingProps configures one region's alert topics and enricher.
type AlertingProps struct {
	// Name is the platform name; the topics are "<name>-alerts" and
	// "<name>-incidents". 1-40 letters, digits, '.', '_' or '-'. Default:
	// "o11yscale".
	Name string `yaml:"-" json:"-"`
	// Key encrypts both topics. It must be a key this app defines (not an
	// imported one): its policy gets a statement that lets CloudWatch
	// alarms of this account use it. Default: a new key with rotation.
	Key awskms.IKey `yaml:"-" json:"-"`
	// Subscriptions receive the enriched incidents. Default: none.
	Subscriptions Subscriptions `yaml:"subscriptions,omitempty" json:"subscriptions,omitempty"`
	// RunbookBaseURL is the enricher's runbook for alarms whose
	// description has no "Runbook:" line: <base>/<alarm name>. Default:
	// none.
	RunbookBaseURL string `yaml:"runbookBaseUrl,omitempty" json:"runbookBaseUrl,omitempty"`
	// AllTransitions delivers every alarm state change to the enricher.
	// Default: false, only changes into or out of ALARM: a deployment of
	// hundreds of new alarms (INSUFFICIENT_DATA to OK) pages nobody.
	AllTransitions bool `yaml:"allTransitions,omitempty" json:"allTransitions,omitempty"`
	// EmfMetrics declares the metrics applications emit through EMF, so
	// their dimensions are checked against Budget at synth.
	EmfMetrics []MetricDeclaration `yaml:"emfMetrics,omitempty" json:"emfMetrics,omitempty"`
	// Budget bounds the series of every EmfMetrics entry.
	Budget Budget `yaml:"budget,omitempty" json:"budget,omitempty"`
	// Enricher overrides the Lambda settings (ImportPath is fixed).
	Enricher golambda.Props `yaml:"-" json:"-"`
}

func (p AlertingProps) withDefaults() AlertingProps {
	if p.Name == "" {
		p.Name = "o11yscale"
	}
	return p
}

// Validate reports every invalid field at once, without creating anything.
func (p AlertingProps) Validate() error {
	var v validation.Errors
	if p.Name != "" && !namePattern.MatchString(p.Name) {
		v.Add("name", p.Name, "1-40 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if p.RunbookBaseURL != "" && !isHTTPURL(p.RunbookBaseURL) {
		v.Add("runbookBaseUrl", p.RunbookBaseURL, "an http(s) URL with a host and no spaces")
	}
	for _, group := range []struct {
		path  string
		subs  []Subscriber
		email bool
	}{{"subscriptions.email", p.Subscriptions.Email, true}, {"subscriptions.https", p.Subscriptions.HTTPS, false}, {"subscriptions.chat", p.Subscriptions.Chat, false}} {
		seen := map[string]bool{}
		for i, s := range group.subs {
			at := validation.Index(group.path, i)
			if group.email {
				if a, err := mail.ParseAddress(s.Endpoint); err != nil || a.Address != s.Endpoint {
					v.Add(at+".endpoint", s.Endpoint, "an email address such as oncall@example.com")
				}
			} else if u, err := url.Parse(s.Endpoint); err != nil || u.Scheme != "https" || u.Host == "" || strings.ContainsAny(s.Endpoint, " \t\r\n") {
				v.Add(at+".endpoint", s.Endpoint, "an https URL (SNS delivers incidents over TLS only)")
			}
			if seen[s.Endpoint] {
				v.Add(at+".endpoint", s.Endpoint, "an endpoint listed once per protocol")
			}
			seen[s.Endpoint] = true
			for j, sev := range s.Severities {
				if !slices.Contains(severities, sev) {
					v.Add(validation.Index(at+".severities", j), sev, "one of %s", strings.Join(severities, ", "))
				}
			}
		}
	}
	v.Merge("budget", p.Budget.Validate())
	names := map[string]int{}
	for i, m := range p.EmfMetrics {
		at := validation.Index("emfMetrics", i)
		if j, dup := names[m.String()]; dup {
			v.Add(at+".name", m.String(), "a metric declared once; emfMetrics[%d] declares it too", j)
		}
		names[m.String()] = i
		_, err := m.Check(p.Budget)
		v.Merge(at, err)
	}
	fp := p.Enricher
	fp.ImportPath = EnricherImportPath
	v.Merge("enricher", fp.Validate())
	return v.Err()
}

// CardinalityReport lists each declared EMF metric with its series
// arithmetic, one per line.
func (p AlertingProps) CardinalityReport() string {
	var b strings.Builder
	for _, m := range p.EmfMetrics {
		s, err := m.Check(p.Budget)
		status := "ok"
		if err != nil {
			status = "OVER BUDGET OR INVALID"
		}
		fmt.Fprintf(&b, "%s: %s [%s]\n", m, s, status)
	}
	return b.String()
}
