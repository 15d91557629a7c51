package anomaly

import (
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
)

// Placeholders in dimension values, replaced per service.
const (
	ServicePlaceholder = "{service}"
	APIPlaceholder     = "{apiName}"
)

// MetricSource is one CloudWatch metric.
type MetricSource struct {
	// Namespace, e.g. "AWS/Lambda". Required.
	Namespace string
	// MetricName, e.g. "Duration". Required.
	MetricName string
	// Dimensions name the series; values may contain "{service}" and
	// "{apiName}", replaced per service (a metric using "{apiName}" is
	// skipped for services without an API). At most 30. Default: none.
	Dimensions map[string]string
	// Stat, e.g. Average, Sum, p99. Default: Average for a detected
	// metric, Sum for metric-math inputs and error-rate sources.
	Stat string
	// Cardinality declares how many values each dimension takes across
	// the platform, for the series budget. Default: derived for dimensions
	// whose value is "{service}" or "{apiName}" or whose name is Service,
	// ServiceName, FunctionName, ApiName (number of services) or Region
	// (number of regions); required for every other dimension.
	Cardinality map[string]int
}

func (s MetricSource) empty() bool { return s.Namespace == "" && s.MetricName == "" }

// MathInput is a metric a metric-math expression reads, under its ID.
type MathInput struct {
	// ID names the input in the expression: a lowercase letter, then
	// letters, digits or '_'. Not "m1" or "ad1", which the alarm uses.
	// Required.
	ID string
	MetricSource
}

// TimeRange is a period the anomaly model must not learn from (a
// deployment, an outage, a sale). Start and End are required, End after
// Start.
type TimeRange struct {
	Start time.Time
	End   time.Time
}

// Anomaly configures a detector and its band alarm. A zero field means
// "inherit": a metric's Anomaly inherits from ServiceAlarmsProps.Anomaly,
// which inherits the defaults below.
type Anomaly struct {
	// BandWidth is k in ANOMALY_DETECTION_BAND(m1, k), in standard
	// deviations, above 0 and at most 100. Default: 2.
	BandWidth float64
	// EvaluationPeriods the alarm looks at, 1 or more. Default: 2.
	EvaluationPeriods int
	// DatapointsToAlarm of those periods must breach, at most
	// EvaluationPeriods. Default: EvaluationPeriods.
	DatapointsToAlarm int
	// ComparisonOperator, one of the three band operators:
	// ComparisonOperator_LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
	// ComparisonOperator_LESS_THAN_LOWER_THRESHOLD or
	// ComparisonOperator_GREATER_THAN_UPPER_THRESHOLD. Default: the first,
	// outside the band (the default error-rate metric uses the last: fewer
	// errors is no incident).
	ComparisonOperator awscloudwatch.ComparisonOperator
	// TreatMissingData. Default: TreatMissingData_IGNORE. Latency and
	// error metrics have no datapoints while a service is idle; "ignore"
	// keeps the alarm in its state, so a quiet service neither flaps to
	// INSUFFICIENT_DATA nor reports a false "resolved" when traffic stops
	// during an incident.
	TreatMissingData awscloudwatch.TreatMissingData
	// TimeZone (IANA, e.g. "Europe/Berlin") the model uses for daily and
	// weekly seasonality, so daylight saving time does not look like an
	// anomaly. Default: UTC.
	TimeZone string
	// ExcludedTimeRanges are left out of the model's training. Default:
	// none.
	ExcludedTimeRanges []TimeRange
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

var defaultAnomaly = Anomaly{BandWidth: 2, EvaluationPeriods: 2,
	ComparisonOperator: awscloudwatch.ComparisonOperator_LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
	TreatMissingData:   awscloudwatch.TreatMissingData_IGNORE}

// Metric is one metric watched by an anomaly detector and a band alarm:
// either a single metric (Namespace, MetricName, Dimensions, Stat) or a
// metric-math Expression over Inputs.
type Metric struct {
	// ID names the metric in alarm names and construct ids: a lowercase
	// letter, then lowercase letters, digits or '-', at most 32. Unique.
	// Required.
	ID string
	// MetricSource is the single metric; leave it empty with Expression.
	MetricSource
	// Expression is a metric-math expression over Inputs, e.g.
	// "100 * errors / invocations"; the detector is then a metric-math
	// detector. Default: none (single metric).
	Expression string
	// Inputs are the metrics Expression reads, 1-10.
	Inputs []MathInput
	// Period of the datapoints, whole minutes. Default: 1m.
	Period time.Duration
	// Anomaly overrides the service-wide settings for this metric.
	Anomaly Anomaly
	// Severity written into the alarm description. Default:
	// SeverityMedium (a band alarm is a signal to look at, a static
	// threshold a breach).
	Severity Severity
	// RunbookURL of this metric's alarm. Default: the service's runbook.
	RunbookURL string
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

// DefaultMetrics are the metrics watched when ServiceAlarmsProps.Metrics is
// nil: the service's Lambda latency and error rate, and, for a service
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
			Anomaly: Anomaly{ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_UPPER_THRESHOLD}},
		{ID: "api-latency", MetricSource: MetricSource{Namespace: "AWS/ApiGateway", MetricName: "Latency",
			Dimensions: map[string]string{"ApiName": APIPlaceholder}, Stat: "Average"}},
	}
}
