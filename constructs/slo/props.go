package slo

import (
	"regexp"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
)

// Kind is what an objective measures.
type Kind string

const (
	// KindAvailability is request-based: good requests over total
	// requests reach the goal.
	KindAvailability Kind = "availability"
	// KindLatency is period-based: the share of periods whose latency
	// percentile stays under the threshold reaches the goal.
	KindLatency Kind = "latency"
)

// Source says where an objective's indicator comes from.
type Source string

const (
	// SourceApplicationSignals (the default, also for ""): the service's
	// (or one operation's) Availability or Latency metric that
	// Application Signals collects, named by service, environment and
	// operation.
	SourceApplicationSignals Source = "applicationSignals"
	// SourceMetrics: the service's own CloudWatch metrics (Good or Bad
	// and Total counts for availability, Latency for latency).
	SourceMetrics Source = "metrics"
)

// MetricSource is one CloudWatch metric an indicator reads.
type MetricSource struct {
	// Namespace, 1-255 characters. Required.
	Namespace string
	// MetricName, 1-255 characters. Required.
	MetricName string
	// Dimensions; a value "{service}" is replaced by the service name.
	Dimensions map[string]string
	// Stat. Default: Sum for counts; the objective's Percentile for a
	// latency metric.
	Stat string
}

// ServicePlaceholder in a dimension value is replaced by the service name.
const ServicePlaceholder = anomaly.ServicePlaceholder

// Objective is one SLO of a service.
type Objective struct {
	// ID names the objective within its service: a lowercase letter, then
	// lowercase letters, digits or '-', at most 32 characters. The SLO is
	// named "<name>-<service>-<id>". Required.
	ID string
	// Kind is availability or latency. Required.
	Kind Kind
	// Description of the SLO. Default: derived from the indicator.
	Description string
	// Goal is the attainment goal in percent, above 0 and below 100 (100
	// leaves no error budget to burn). Default: 99.9.
	Goal float64
	// Window is the rolling interval, whole minutes, from 1 hour up to 365
	// days; with alerts, at least the longest alert window. Written in the
	// largest whole unit (DAY, HOUR or MINUTE). Default: 30 days, the
	// window of the SRE Workbook's thresholds.
	Window time.Duration
	// Source of the indicator. Default: SourceApplicationSignals.
	Source Source
	// Environment is the Application Signals environment of the service
	// (the Environment key attribute), such as "lambda:default" or
	// "eks:prod/checkout". Required for SourceApplicationSignals.
	Environment string
	// Operation limits the indicator to one operation, such as
	// "GET /checkout" (SourceApplicationSignals only). Default: the whole
	// service.
	Operation string
	// Good counts good requests (availability with SourceMetrics; give
	// Good or Bad).
	Good MetricSource
	// Bad counts failed requests (availability with SourceMetrics; give
	// Good or Bad).
	Bad MetricSource
	// Total counts all requests (availability with SourceMetrics).
	Total MetricSource
	// Latency is the latency metric (latency with SourceMetrics).
	Latency MetricSource
	// Percentile of the latency indicator: p followed by a number above 0
	// and at most 100, such as p99 or p99.9. Default: p99.
	Percentile string
	// Threshold the latency percentile must stay under, at least 1ms.
	// Required for latency. Written in milliseconds (Application Signals'
	// Latency unit; a SourceMetrics latency metric must be in
	// milliseconds too).
	Threshold time.Duration
	// Period of a latency objective's periods, 1-60 minutes in whole
	// minutes. Default: 1 minute.
	Period time.Duration
	// Alerts are the burn-rate alerts. Default (nil):
	// DefaultBurnRateAlerts(). An empty non-nil list creates none.
	Alerts []BurnRateAlert
	// RunbookURL is written as "Runbook: <url>" into every alert's
	// description. Default: the service's.
	RunbookURL string
}

// BurnRateAlert is one pair of burn-rate alarms and their composite.
type BurnRateAlert struct {
	// ID names the alert within its objective: a lowercase letter, then
	// lowercase letters, digits or '-', at most 20 characters. Required.
	ID string
	// LongWindow and ShortWindow are the look-back windows, whole minutes,
	// 1 minute to 7 days (BurnRateConfiguration's 10,080 minutes,
	// https://docs.aws.amazon.com/applicationsignals/latest/APIReference/API_BurnRateConfiguration.html);
	// ShortWindow shorter than LongWindow. Required.
	LongWindow, ShortWindow time.Duration
	// BudgetPercent is the share of the error budget that, spent within
	// LongWindow, fires the alert; above 0 and at most 100. Required.
	BudgetPercent float64
	// Severity of the composite. Default: SeverityHigh.
	Severity anomaly.Severity
	// Period of the two metric alarms, whole minutes. Default: 1 minute.
	Period time.Duration
}

// DefaultBurnRateAlerts are the SRE Workbook's recommended multi-window,
// multi-burn-rate parameters (https://sre.google/workbook/alerting-on-slos/,
// table 6): two pages and a ticket.
func DefaultBurnRateAlerts() []BurnRateAlert {
	return []BurnRateAlert{
		{ID: "fast-burn", LongWindow: time.Hour, ShortWindow: 5 * time.Minute, BudgetPercent: 2, Severity: anomaly.SeverityCritical},
		{ID: "slow-burn", LongWindow: 6 * time.Hour, ShortWindow: 30 * time.Minute, BudgetPercent: 5, Severity: anomaly.SeverityHigh},
		{ID: "ticket", LongWindow: 3 * 24 * time.Hour, ShortWindow: 6 * time.Hour, BudgetPercent: 10, Severity: anomaly.SeverityLow},
	}
}

// Defaults of an objective.
const (
	DefaultGoal       = 99.9
	DefaultWindow     = 30 * 24 * time.Hour
	DefaultPercentile = "p99"
)

// ServiceSLOsProps configures one service's objectives.
type ServiceSLOsProps struct {
	// Name is the platform name that starts every SLO and alarm name:
	// 1-40 letters, digits, '.', '_' or '-'. Default: anomaly.DefaultName.
	Name string
	// Service is the service name, 1-64 letters, digits, '.', '_' or '-'.
	// It is the Application Signals service name (the Name key
	// attribute). Required.
	Service string
	// Objectives of the service, at least one, IDs unique.
	Objectives []Objective
	// AlertsTopic receives the composite alarms' notifications (the
	// enricher's topic). Required unless every objective has no alerts or
	// NoNotifications is set. In a nested stack, pass
	// anomaly.Alerting.AlertsTopicIn(scope).
	AlertsTopic awssns.ITopic
	// NoNotifications creates the alarms without actions. Default: false.
	NoNotifications bool
	// RunbookURL of the service's alerts. Default: none.
	RunbookURL string
}

// Limits of Application Signals and CloudWatch that synth enforces.
const (
	// MaxBurnRateConfigurations per SLO
	// (https://docs.aws.amazon.com/applicationsignals/latest/APIReference/API_ServiceLevelObjective.html:
	// BurnRateConfigurations, at most 10 items).
	MaxBurnRateConfigurations = 10
	// maxLookBackMinutes is BurnRateConfiguration.LookBackWindowMinutes'
	// maximum
	// (https://docs.aws.amazon.com/applicationsignals/latest/APIReference/API_BurnRateConfiguration.html).
	maxLookBackMinutes = 10080
	// maxSLONameLength: an SLO name is
	// [0-9A-Za-z][-._0-9A-Za-z ]{0,126}[0-9A-Za-z]
	// (API_ServiceLevelObjective.html above).
	maxSLONameLength = 128
	// CloudWatch alarm name and description limits
	// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
	maxAlarmName   = 255
	maxDescription = 1024
	// maxDescriptionSLO: an SLO description is at most 1024 characters
	// (API_ServiceLevelObjective.html above).
	maxDescriptionSLO = 1024
)

var (
	idRe       = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	alertIDRe  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	nameRe     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)
	serviceRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	sloNameRe  = regexp.MustCompile(`^[0-9A-Za-z][-._0-9A-Za-z ]{0,126}[0-9A-Za-z]$`)
	percentRe  = regexp.MustCompile(`^p([0-9]{1,3}(\.[0-9]{1,10})?)$`)
	countStat  = regexp.MustCompile(`^(Sum|SampleCount|Average|Minimum|Maximum)$`)
	envRe      = regexp.MustCompile(`^[^\s]{1,259}$`)
	defaultSev = anomaly.SeverityHigh
)

func (p ServiceSLOsProps) withDefaults() ServiceSLOsProps {
	if p.Name == "" {
		p.Name = anomaly.DefaultName
	}
	out := make([]Objective, len(p.Objectives))
	for i, o := range p.Objectives {
		out[i] = o.withDefaults(p)
	}
	p.Objectives = out
	return p
}

func (o Objective) withDefaults(p ServiceSLOsProps) Objective {
	if o.Goal == 0 {
		o.Goal = DefaultGoal
	}
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	if o.Source == "" {
		o.Source = SourceApplicationSignals
	}
	if o.Percentile == "" {
		o.Percentile = DefaultPercentile
	}
	if o.Period == 0 {
		o.Period = time.Minute
	}
	if o.Alerts == nil {
		o.Alerts = DefaultBurnRateAlerts()
	}
	if o.RunbookURL == "" {
		o.RunbookURL = p.RunbookURL
	}
	alerts := make([]BurnRateAlert, len(o.Alerts))
	for i, a := range o.Alerts {
		if a.Severity == "" {
			a.Severity = defaultSev
		}
		if a.Period == 0 {
			a.Period = time.Minute
		}
		alerts[i] = a
	}
	o.Alerts = alerts
	return o
}

// SLOName is the Application Signals SLO name of an objective.
func SLOName(platform, service, objectiveID string) string {
	return platform + "-" + service + "-" + objectiveID
}

// CompositeAlarmName is the name of a burn-rate alert's composite alarm.
func CompositeAlarmName(platform, service, objectiveID, alertID string) string {
	return SLOName(platform, service, objectiveID) + "-" + alertID
}

// WindowAlarmName is the name of a burn-rate alert's metric alarm on one
// window ("...-fast-burn-1h").
func WindowAlarmName(platform, service, objectiveID, alertID string, window time.Duration) string {
	return CompositeAlarmName(platform, service, objectiveID, alertID) + "-" + FormatWindow(window)
}

// ResourceCount is how many CloudFormation resources NewServiceSLOs
// creates: per objective the SLO and three alarms per alert. With the
// default alerts that is 10 per objective.
func (p ServiceSLOsProps) ResourceCount() int {
	n := 0
	for _, o := range p.withDefaults().Objectives {
		n += 1 + 3*len(o.Alerts)
	}
	return n
}

// AlarmCount is how many alarms NewServiceSLOs creates: metric alarms
// (two per alert) and composite alarms (one per alert).
func (p ServiceSLOsProps) AlarmCount() (metric, composite int) {
	for _, o := range p.withDefaults().Objectives {
		metric += 2 * len(o.Alerts)
		composite += len(o.Alerts)
	}
	return metric, composite
}

// Graphed is an SLO as a dashboard graphs it: its name, goal and
// burn-rate windows in minutes.
type Graphed struct {
	Name    string
	Goal    float64
	Windows []int
}

// Dashboard lists the SLOs NewServiceSLOs creates, for dashboards.
func (p ServiceSLOsProps) Dashboard() []Graphed {
	d := p.withDefaults()
	out := make([]Graphed, len(d.Objectives))
	for i, o := range d.Objectives {
		out[i] = Graphed{Name: SLOName(d.Name, d.Service, o.ID), Goal: o.Goal, Windows: lookBackWindows(o)}
	}
	return out
}
