package config

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Alarms configures alerting (once per region) and alarms (every service):
// the `alarms:` section.
type Alarms struct {
	// Alerting: topics, subscriptions, the enricher and the EMF
	// cardinality budget.
	Alerting Alerting `yaml:"alerting,omitempty" json:"alerting,omitempty"`
	// ApplicationSignals says where Application Signals discovery is
	// enabled (the SLOs themselves are declared per service).
	ApplicationSignals ApplicationSignals `yaml:"applicationSignals,omitempty" json:"applicationSignals,omitempty"`
	// Service is applied to every service: anomaly band alarms (default:
	// latency and error rate, plus API Gateway Latency for services with
	// an apiName), the static error-rate alarm and the composite alarm.
	Service ServiceAlarms `yaml:",inline" json:",inline"`
}

// ServiceAlarms is the per-service part of `alarms:` (anomaly.ServiceAlarmsProps).
type ServiceAlarms struct {
	// Notify: composite (default), alarms or none.
	Notify AlarmNotify `yaml:"notify,omitempty" json:"notify,omitempty"`
	// Metrics watched by detectors and band alarms. Default (left out):
	// anomaly.DefaultMetrics(); an empty list is an error.
	Metrics []AlarmMetric `yaml:"metrics,omitempty" json:"metrics,omitempty"`
	// Anomaly holds the service-wide detector and band alarm settings.
	Anomaly AlarmAnomaly `yaml:"anomaly,omitempty" json:"anomaly,omitempty"`
	// ErrorRate is the static-threshold alarm.
	ErrorRate AlarmErrorRate `yaml:"errorRate,omitempty" json:"errorRate,omitempty"`
	// RunbookURL of every service's alarms.
	RunbookURL string `yaml:"runbookUrl,omitempty" json:"runbookUrl,omitempty"`
	// RunbookBaseURL gives each alarm the runbook <base>/<alarm name>.
	RunbookBaseURL string `yaml:"runbookBaseUrl,omitempty" json:"runbookBaseUrl,omitempty"`
	// Budget bounds the series of every alarm metric.
	Budget AlarmBudget `yaml:"budget,omitempty" json:"budget,omitempty"`
}

// AlarmNotify says which alarms notify: composite, alarms or none.
type AlarmNotify string

// AlarmSeverity is critical, high, medium, low or info.
type AlarmSeverity string

// AlarmComparison is a band alarm's CloudFormation comparison operator:
// LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold or
// GreaterThanUpperThreshold.
type AlarmComparison string

// AlarmMissingData is CloudFormation's TreatMissingData: breaching,
// notBreaching, ignore or missing.
type AlarmMissingData string

var (
	notifyValues = map[AlarmNotify]anomaly.Notify{
		"composite": anomaly.NotifyComposite, "alarms": anomaly.NotifyAlarms, "none": anomaly.NotifyNone,
	}
	severityValues = map[AlarmSeverity]anomaly.Severity{
		"critical": anomaly.SeverityCritical, "high": anomaly.SeverityHigh, "medium": anomaly.SeverityMedium,
		"low": anomaly.SeverityLow, "info": anomaly.SeverityInfo,
	}
	comparisonValues = map[AlarmComparison]awscloudwatch.ComparisonOperator{
		"LessThanLowerOrGreaterThanUpperThreshold": awscloudwatch.ComparisonOperator_LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
		"LessThanLowerThreshold":                   awscloudwatch.ComparisonOperator_LESS_THAN_LOWER_THRESHOLD,
		"GreaterThanUpperThreshold":                awscloudwatch.ComparisonOperator_GREATER_THAN_UPPER_THRESHOLD,
	}
	missingDataValues = map[AlarmMissingData]awscloudwatch.TreatMissingData{
		"breaching": awscloudwatch.TreatMissingData_BREACHING, "notBreaching": awscloudwatch.TreatMissingData_NOT_BREACHING,
		"ignore": awscloudwatch.TreatMissingData_IGNORE, "missing": awscloudwatch.TreatMissingData_MISSING,
	}
)

// The allowed values, as the messages list them.
const (
	notifyAllowed     = "one of alarms, composite, none"
	severityAllowed   = "one of critical, high, medium, low, info"
	comparisonAllowed = "one of LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, GreaterThanUpperThreshold"
	missingAllowed    = "one of breaching, notBreaching, ignore, missing"
)

// AlarmMetricSource is one CloudWatch metric (anomaly.MetricSource).
type AlarmMetricSource struct {
	Namespace   string            `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	MetricName  string            `yaml:"metricName,omitempty" json:"metricName,omitempty"`
	Dimensions  map[string]string `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	Stat        string            `yaml:"stat,omitempty" json:"stat,omitempty"`
	Cardinality map[string]int    `yaml:"cardinality,omitempty" json:"cardinality,omitempty"`
}

// AlarmMathInput is a metric a metric-math expression reads (anomaly.MathInput).
type AlarmMathInput struct {
	ID                string `yaml:"id" json:"id"`
	AlarmMetricSource `yaml:",inline" json:",inline"`
}

// AlarmTimeRange is a period the anomaly model must not learn from.
type AlarmTimeRange struct {
	Start time.Time `yaml:"start" json:"start"`
	End   time.Time `yaml:"end" json:"end"`
}

// AlarmAnomaly configures a detector and its band alarm (anomaly.Anomaly).
type AlarmAnomaly struct {
	BandWidth          float64          `yaml:"bandWidth,omitempty" json:"bandWidth,omitempty"`
	EvaluationPeriods  int              `yaml:"evaluationPeriods,omitempty" json:"evaluationPeriods,omitempty"`
	DatapointsToAlarm  int              `yaml:"datapointsToAlarm,omitempty" json:"datapointsToAlarm,omitempty"`
	ComparisonOperator AlarmComparison  `yaml:"comparisonOperator,omitempty" json:"comparisonOperator,omitempty"`
	TreatMissingData   AlarmMissingData `yaml:"treatMissingData,omitempty" json:"treatMissingData,omitempty"`
	TimeZone           string           `yaml:"timeZone,omitempty" json:"timeZone,omitempty"`
	ExcludedTimeRanges []AlarmTimeRange `yaml:"excludedTimeRanges,omitempty" json:"excludedTimeRanges,omitempty"`
}

// AlarmMetric is one metric watched by a detector and a band alarm
// (anomaly.Metric).
type AlarmMetric struct {
	ID                string `yaml:"id" json:"id"`
	AlarmMetricSource `yaml:",inline" json:",inline"`
	Expression        string           `yaml:"expression,omitempty" json:"expression,omitempty"`
	Inputs            []AlarmMathInput `yaml:"inputs,omitempty" json:"inputs,omitempty"`
	Period            time.Duration    `yaml:"period,omitempty" json:"period,omitempty"`
	Anomaly           AlarmAnomaly     `yaml:"anomaly,omitempty" json:"anomaly,omitempty"`
	Severity          AlarmSeverity    `yaml:"severity,omitempty" json:"severity,omitempty"`
	RunbookURL        string           `yaml:"runbookUrl,omitempty" json:"runbookUrl,omitempty"`
}

// AlarmErrorRate is the static-threshold alarm (anomaly.ErrorRate).
type AlarmErrorRate struct {
	Disabled          bool              `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	ThresholdPercent  float64           `yaml:"thresholdPercent,omitempty" json:"thresholdPercent,omitempty"`
	Errors            AlarmMetricSource `yaml:"errors,omitempty" json:"errors,omitempty"`
	Requests          AlarmMetricSource `yaml:"requests,omitempty" json:"requests,omitempty"`
	Period            time.Duration     `yaml:"period,omitempty" json:"period,omitempty"`
	EvaluationPeriods int               `yaml:"evaluationPeriods,omitempty" json:"evaluationPeriods,omitempty"`
	DatapointsToAlarm int               `yaml:"datapointsToAlarm,omitempty" json:"datapointsToAlarm,omitempty"`
	TreatMissingData  AlarmMissingData  `yaml:"treatMissingData,omitempty" json:"treatMissingData,omitempty"`
	Severity          AlarmSeverity     `yaml:"severity,omitempty" json:"severity,omitempty"`
}

// AlarmBudget is the configurable part of anomaly.Budget; the service and
// region counts come from the platform.
type AlarmBudget struct {
	SeriesPerMetric int `yaml:"seriesPerMetric,omitempty" json:"seriesPerMetric,omitempty"`
}

// Alerting configures each region's topics and enricher
// (anomaly.AlertingProps).
type Alerting struct {
	Subscriptions  AlertSubscriptions `yaml:"subscriptions,omitempty" json:"subscriptions,omitempty"`
	RunbookBaseURL string             `yaml:"runbookBaseUrl,omitempty" json:"runbookBaseUrl,omitempty"`
	AllTransitions bool               `yaml:"allTransitions,omitempty" json:"allTransitions,omitempty"`
	EmfMetrics     []EmfMetric        `yaml:"emfMetrics,omitempty" json:"emfMetrics,omitempty"`
	Budget         AlarmBudget        `yaml:"budget,omitempty" json:"budget,omitempty"`
	// Central puts one incidents topic in the monitoring account's central
	// stack (platform.Alarms.Central): every account-region's enricher
	// publishes there and the subscriptions attach to it; the regions then
	// have no incidents topic of their own. Default: false.
	Central bool `yaml:"central,omitempty" json:"central,omitempty"`
}

// AlertSubscriptions are the incident endpoints (anomaly.Subscriptions).
type AlertSubscriptions struct {
	Email []AlertSubscriber `yaml:"email,omitempty" json:"email,omitempty"`
	HTTPS []AlertSubscriber `yaml:"https,omitempty" json:"https,omitempty"`
	Chat  []AlertSubscriber `yaml:"chat,omitempty" json:"chat,omitempty"`
}

// AlertSubscriber is one endpoint (anomaly.Subscriber).
type AlertSubscriber struct {
	Endpoint   string          `yaml:"endpoint" json:"endpoint"`
	Severities []AlarmSeverity `yaml:"severities,omitempty" json:"severities,omitempty"`
}

// EmfMetric declares a metric applications emit through EMF
// (anomaly.MetricDeclaration).
type EmfMetric struct {
	Namespace  string         `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Name       string         `yaml:"name" json:"name"`
	Dimensions []EmfDimension `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
}

// EmfDimension is one dimension of an EmfMetric (anomaly.Dimension).
type EmfDimension struct {
	Name        string `yaml:"name" json:"name"`
	Cardinality int    `yaml:"cardinality,omitempty" json:"cardinality,omitempty"`
}

func (p *Platform) validateAlarms(v *validation.Errors) {
	a := p.Alarms
	// The config's own fields: the enumerations. Everything else is
	// checked on the props below.
	for i, sub := range [][]AlertSubscriber{a.Alerting.Subscriptions.Email, a.Alerting.Subscriptions.HTTPS, a.Alerting.Subscriptions.Chat} {
		at := validation.Join("alarms.alerting.subscriptions", []string{"email", "https", "chat"}[i])
		for j, s := range sub {
			for k, sev := range s.Severities {
				checkSeverity(v, validation.Index(validation.Index(at, j)+".severities", k), sev)
			}
		}
	}
	s := a.Service
	if _, ok := notifyValues[s.Notify]; s.Notify != "" && !ok {
		v.Add("alarms.notify", string(s.Notify), notifyAllowed)
	}
	checkAnomaly(v, "alarms.anomaly", s.Anomaly)
	for i, m := range s.Metrics {
		at := validation.Index("alarms.metrics", i)
		checkAnomaly(v, at+".anomaly", m.Anomaly)
		checkSeverity(v, at+".severity", m.Severity)
	}
	if !s.ErrorRate.Disabled {
		checkMissing(v, "alarms.errorRate.treatMissingData", s.ErrorRate.TreatMissingData)
		checkSeverity(v, "alarms.errorRate.severity", s.ErrorRate.Severity)
	}

	// The props each region gets, and those of every service in every
	// region, as the stacks create them.
	seen := map[string]bool{}
	for _, fe := range validation.Fields(v.Err()) {
		seen[fe.Error()] = true
	}
	mergeNew(v, seen, "alarms.alerting", p.AlertingProps(nil).Validate())
	for _, region := range p.Regions {
		for _, svc := range p.Services {
			mergeNew(v, seen, "alarms", p.AlarmProps(svc, nil).ValidateIn(region))
		}
	}
}

// mergeNew merges err's field errors under prefix, leaving out those
// already listed (the same path, value and allowed).
func mergeNew(v *validation.Errors, seen map[string]bool, prefix string, err error) {
	for _, fe := range validation.Fields(err) {
		fe := validation.FieldError{Path: validation.Join(prefix, fe.Path), Value: fe.Value, Allowed: fe.Allowed}
		if !seen[fe.Error()] {
			seen[fe.Error()] = true
			v.Add(fe.Path, fe.Value, "%s", fe.Allowed)
		}
	}
}

func checkSeverity(v *validation.Errors, at string, s AlarmSeverity) {
	if _, ok := severityValues[s]; s != "" && !ok {
		v.Add(at, string(s), severityAllowed)
	}
}

func checkMissing(v *validation.Errors, at string, m AlarmMissingData) {
	if _, ok := missingDataValues[m]; m != "" && !ok {
		v.Add(at, string(m), missingAllowed)
	}
}

func checkAnomaly(v *validation.Errors, at string, a AlarmAnomaly) {
	if _, ok := comparisonValues[a.ComparisonOperator]; a.ComparisonOperator != "" && !ok {
		v.Add(at+".comparisonOperator", string(a.ComparisonOperator), comparisonAllowed)
	}
	checkMissing(v, at+".treatMissingData", a.TreatMissingData)
}

// AlertingProps returns the alerting props of every region: the
// platform's name, key (nil: a new rotating key) and the alerting section.
func (p *Platform) AlertingProps(key awskms.IKey) anomaly.AlertingProps {
	a := p.Alarms.Alerting
	out := anomaly.AlertingProps{
		Name:           p.Name,
		Key:            key,
		Subscriptions:  anomaly.Subscriptions{Email: subscribers(a.Subscriptions.Email), HTTPS: subscribers(a.Subscriptions.HTTPS), Chat: subscribers(a.Subscriptions.Chat)},
		RunbookBaseURL: a.RunbookBaseURL,
		AllTransitions: a.AllTransitions,
		Budget:         anomaly.Budget{SeriesPerMetric: a.Budget.SeriesPerMetric},
	}
	for _, m := range a.EmfMetrics {
		d := anomaly.MetricDeclaration{Namespace: m.Namespace, Name: m.Name}
		for _, dim := range m.Dimensions {
			d.Dimensions = append(d.Dimensions, anomaly.Dimension{Name: dim.Name, Cardinality: dim.Cardinality})
		}
		out.EmfMetrics = append(out.EmfMetrics, d)
	}
	return out
}

func subscribers(in []AlertSubscriber) []anomaly.Subscriber {
	var out []anomaly.Subscriber
	for _, s := range in {
		sub := anomaly.Subscriber{Endpoint: s.Endpoint}
		for _, sev := range s.Severities {
			// An unknown severity is kept as written: the props report it
			// with the same message as the config check above.
			sub.Severities = append(sub.Severities, anomaly.Severity(sev))
		}
		out = append(out, sub)
	}
	return out
}

// AlarmProps returns the alarms of one service: the alarms section with
// the platform's name, the service and its API name, the cardinality
// budget's service and region counts, and the topic the alarms notify.
// Enumerations the config check rejects map to their defaults.
func (p *Platform) AlarmProps(svc Service, topic awssns.ITopic) anomaly.ServiceAlarmsProps {
	s := p.Alarms.Service
	out := anomaly.ServiceAlarmsProps{
		Name:           p.Name,
		Service:        svc.Name,
		APIName:        svc.ApiName,
		AlertsTopic:    topic,
		Notify:         notifyValues[s.Notify],
		Anomaly:        s.Anomaly.props(),
		ErrorRate:      s.ErrorRate.props(),
		RunbookURL:     s.RunbookURL,
		RunbookBaseURL: s.RunbookBaseURL,
		Budget:         anomaly.Budget{SeriesPerMetric: s.Budget.SeriesPerMetric, Services: len(p.Services), Regions: len(p.Regions)},
	}
	if s.Metrics != nil {
		out.Metrics = make([]anomaly.Metric, len(s.Metrics))
	}
	for i, m := range s.Metrics {
		out.Metrics[i] = anomaly.Metric{
			ID: m.ID, MetricSource: m.AlarmMetricSource.props(), Expression: m.Expression, Period: m.Period,
			Anomaly: m.Anomaly.props(), Severity: severityValues[m.Severity], RunbookURL: m.RunbookURL,
		}
		for _, in := range m.Inputs {
			out.Metrics[i].Inputs = append(out.Metrics[i].Inputs, anomaly.MathInput{ID: in.ID, MetricSource: in.AlarmMetricSource.props()})
		}
	}
	return out
}

func (s AlarmMetricSource) props() anomaly.MetricSource {
	return anomaly.MetricSource{Namespace: s.Namespace, MetricName: s.MetricName, Dimensions: s.Dimensions, Stat: s.Stat, Cardinality: s.Cardinality}
}

func (a AlarmAnomaly) props() anomaly.Anomaly {
	out := anomaly.Anomaly{
		BandWidth: a.BandWidth, EvaluationPeriods: a.EvaluationPeriods, DatapointsToAlarm: a.DatapointsToAlarm,
		ComparisonOperator: comparisonValues[a.ComparisonOperator], TreatMissingData: missingDataValues[a.TreatMissingData],
		TimeZone: a.TimeZone,
	}
	for _, r := range a.ExcludedTimeRanges {
		out.ExcludedTimeRanges = append(out.ExcludedTimeRanges, anomaly.TimeRange{Start: r.Start, End: r.End})
	}
	return out
}

func (e AlarmErrorRate) props() anomaly.ErrorRate {
	return anomaly.ErrorRate{
		Disabled: e.Disabled, ThresholdPercent: e.ThresholdPercent, Errors: e.Errors.props(), Requests: e.Requests.props(),
		Period: e.Period, EvaluationPeriods: e.EvaluationPeriods, DatapointsToAlarm: e.DatapointsToAlarm,
		TreatMissingData: missingDataValues[e.TreatMissingData], Severity: severityValues[e.Severity],
	}
}
