package anomaly

import (
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// DefaultName is the platform name that starts alarm and topic names by
// default.
const DefaultName = "o11yscale"

// ServiceAlarmsProps configures one service's detectors and alarms.
type ServiceAlarmsProps struct {
	// Name is the platform name that starts every alarm name: 1-40
	// letters, digits, '.', '_' or '-'. Default: DefaultName.
	Name string
	// Service is the service name, 1-64 letters, digits, '.', '_' or '-'.
	// Required.
	Service string
	// APIName is the service's API Gateway API name; metrics using
	// "{apiName}" are created only when it is set. Default: none.
	APIName string
	// AlertsTopic receives the notifications. Required unless Notify is
	// NotifyNone. In a nested stack, pass Alerting.AlertsTopicIn(scope),
	// which names the topic by its deterministic ARN: a reference to the
	// topic itself would become a parameter of the nested stack.
	AlertsTopic awssns.ITopic
	// Notify says which alarms notify. Default: NotifyComposite, one page
	// per service instead of one per alarm, since an incident often trips
	// several alarms of one service at once (latency and error rate, say);
	// choose NotifyAlarms to get each metric's figures in its own incident.
	Notify Notify
	// Metrics watched by detectors and band alarms. Default (nil):
	// DefaultMetrics() (latency, error-rate, and api-latency for a service
	// with an API). An empty non-nil list is invalid.
	Metrics []Metric
	// Anomaly holds the service-wide detector and band alarm settings
	// (each metric may override them). Defaults: see Anomaly.
	Anomaly Anomaly
	// ErrorRate is the static-threshold alarm. Default: above 5% for 2 of
	// 2 minutes.
	ErrorRate ErrorRate
	// RunbookURL of the service, written as "Runbook: <url>" into every
	// alarm description. Default: RunbookBaseURL/<alarm name>, as the
	// enricher derives it; none when that is empty too.
	RunbookURL string
	// RunbookBaseURL gives each alarm the runbook <base>/<alarm name>.
	// Default: none.
	RunbookBaseURL string
	// Budget bounds the series of every alarm metric. Default: see Budget.
	Budget Budget
}

func (p ServiceAlarmsProps) withDefaults() ServiceAlarmsProps {
	if p.Name == "" {
		p.Name = DefaultName
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
// API name are skipped when the service has none (props with defaults
// applied).
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
			m.Severity = SeverityMedium
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

// expand replaces the placeholders with the service and API names and
// derives the cardinality of dimensions whose value is one of them.
func (p ServiceAlarmsProps) expand(s MetricSource, stat string) MetricSource {
	out := MetricSource{Namespace: s.Namespace, MetricName: s.MetricName, Stat: s.Stat, Cardinality: maps.Clone(s.Cardinality)}
	if out.Stat == "" {
		out.Stat = stat
	}
	if len(s.Dimensions) > 0 {
		out.Dimensions = make(map[string]string, len(s.Dimensions))
	}
	replacer := strings.NewReplacer(ServicePlaceholder, p.Service, APIPlaceholder, p.APIName)
	for k, v := range s.Dimensions {
		if (v == ServicePlaceholder || v == APIPlaceholder) && out.Cardinality[k] == 0 {
			if out.Cardinality == nil {
				out.Cardinality = map[string]int{}
			}
			out.Cardinality[k] = max(p.Budget.Services, 1)
		}
		out.Dimensions[k] = replacer.Replace(v)
	}
	return out
}

// ResourceCount is how many CloudFormation resources NewServiceAlarms
// creates for these props: a detector and an alarm per metric, the
// error-rate alarm and the composite. With the defaults that is 6, or 8
// for a service with an API. The platform sizes its nested stacks from it.
func (p ServiceAlarmsProps) ResourceCount() int {
	p = p.withDefaults()
	n := 2*len(p.metrics()) + 1
	if p.errorRateEnabled() {
		n++
	}
	return n
}

var (
	namePattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)
	servicePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
)

// Validate reports every invalid field of the props at once, without
// creating anything: the settings, and the metrics and error-rate sources
// this service gets, with its names and the budget. The alarm
// descriptions also hold the console link of the region the alarms are
// created in; ValidateIn checks their length too.
func (p ServiceAlarmsProps) Validate() error {
	var v validation.Errors
	if p.Name != "" && !namePattern.MatchString(p.Name) {
		v.Add("name", p.Name, "1-40 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if !servicePattern.MatchString(p.Service) {
		v.Add("service", p.Service, "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if p.APIName != "" && (len(p.APIName) > 1024 || strings.ContainsAny(p.APIName, "\n\r")) {
		v.Add("apiName", p.APIName, "an API Gateway API name (a dimension value of at most 1024 characters, one line)")
	}
	if p.Notify != "" && p.Notify != NotifyAlarms && p.Notify != NotifyComposite && p.Notify != NotifyNone {
		v.Add("notify", string(p.Notify), "one of alarms, composite, none")
	}
	v.Merge("budget", p.Budget.Validate())
	validateAnomaly(&v, "anomaly", p.Anomaly)
	for _, u := range []struct{ path, url string }{{"runbookUrl", p.RunbookURL}, {"runbookBaseUrl", p.RunbookBaseURL}} {
		if u.url != "" && !isHTTPURL(u.url) {
			v.Add(u.path, u.url, "an http(s) URL with a host and no spaces")
		}
	}
	validateMetrics(&v, p)
	validateErrorRate(&v, p)
	if err := v.Err(); err != nil {
		return err
	}
	// Names depend on everything above; check their limits only once the
	// parts are valid.
	for _, a := range p.withDefaults().plan("") {
		if len(a.name) > maxAlarmName {
			v.Add(a.path, a.name, "an alarm name of at most %d characters", maxAlarmName)
		}
	}
	return v.Err()
}

// ValidateIn is Validate for alarms created in region (a region code, or
// the CDK token of a stack's region, whose length then bounds the real
// one's): it also checks that every alarm description, which ends with
// the alarm's console link in that region, fits CloudWatch's 1024
// characters.
func (p ServiceAlarmsProps) ValidateIn(region string) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var v validation.Errors
	for _, a := range p.withDefaults().plan(region) {
		if len(a.description) > maxDescription {
			v.Add(a.runbookPath, a.runbook, "a URL short enough for the alarm description's %d characters (it has %d)", maxDescription, len(a.description))
		}
	}
	return v.Err()
}

// AlarmCounts counts what NewServiceAlarms creates, by how CloudWatch
// bills it.
type AlarmCounts struct {
	// Band is the anomaly-band alarms, one per metric.
	Band int
	// Detectors is the anomaly detectors, one per band alarm.
	Detectors int
	// StaticMetrics and StaticHighResolutionMetrics are the metrics the
	// static-threshold alarms read (the error-rate alarm reads errors and
	// requests), at 60 s or longer and under 60 s periods.
	StaticMetrics, StaticHighResolutionMetrics int
	// Static is the static-threshold alarms (the error-rate alarm).
	Static int
	// Composite is the composite (health) alarms: always one.
	Composite int
}

// Counts is AlarmCounts for these props, from the same plan
// NewServiceAlarms creates its alarms from.
func (p ServiceAlarmsProps) Counts() AlarmCounts {
	p = p.withDefaults()
	var c AlarmCounts
	c.Band = len(p.metrics())
	c.Detectors = c.Band
	if p.errorRateEnabled() {
		c.Static = 1
		if p.ErrorRate.Period < time.Minute {
			c.StaticHighResolutionMetrics = 2
		} else {
			c.StaticMetrics = 2
		}
	}
	c.Composite = 1
	return c
}
