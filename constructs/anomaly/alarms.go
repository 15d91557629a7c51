package anomaly

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// CloudWatch limits on alarms.
const (
	maxAlarmName   = 255
	maxDescription = 1024
)

// Query ids of a band alarm: the series and its band (TOOLCHAIN.md).
const (
	bandSeriesID = "m1"
	bandID       = "ad1"
)

// ServiceAlarms is one service's anomaly detectors, band alarms,
// error-rate alarm and composite alarm.
type ServiceAlarms struct {
	constructs.Construct
	// Detectors, one per metric, in the order of BandAlarms.
	Detectors []awscloudwatch.CfnAnomalyDetector
	// BandAlarms alarm on ANOMALY_DETECTION_BAND(m1, k).
	BandAlarms []awscloudwatch.CfnAlarm
	// ErrorRateAlarm is the static-threshold alarm; nil when disabled.
	ErrorRateAlarm awscloudwatch.CfnAlarm
	// Composite is in ALARM while any of the service's alarms is.
	Composite awscloudwatch.CfnCompositeAlarm
	// AlarmNames of the band alarms, the error-rate alarm and the
	// composite, in that order.
	AlarmNames []string
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

// errorRateEnabled reports whether the service gets the error-rate alarm:
// not when disabled, nor when its sources need an API name the service
// lacks (props with defaults applied).
func (p ServiceAlarmsProps) errorRateEnabled() bool {
	e := p.ErrorRate
	usesAPI := Metric{Inputs: []MathInput{{MetricSource: e.Errors}, {MetricSource: e.Requests}}}.usesAPI()
	return !e.Disabled && (p.APIName != "" || !usesAPI)
}

// AlarmName returns the deterministic name of a band alarm ("<name>-<service>-<metric id>-anomaly").
func AlarmName(platform, service, metricID string) string {
	return platform + "-" + service + "-" + metricID + "-anomaly"
}

// ErrorRateAlarmName returns the name of a service's error-rate alarm.
func ErrorRateAlarmName(platform, service string) string {
	return platform + "-" + service + "-error-rate-threshold"
}

// CompositeAlarmName returns the name of a service's composite alarm.
func CompositeAlarmName(platform, service string) string {
	return platform + "-" + service + "-health"
}

// plannedAlarm is an alarm's name and description, computed before any
// construct exists so Validate can check their limits.
type plannedAlarm struct {
	path        string // props path blamed for an overlong name
	name        string
	description string
	runbook     string
	runbookPath string // props path the runbook came from
	severity    string
	metric      *resolved // band alarms only
}

// plan returns the band alarms, the error-rate alarm (unless disabled)
// and the composite, for props with defaults applied.
func (p ServiceAlarmsProps) plan(region string) []plannedAlarm {
	var out []plannedAlarm
	add := func(a plannedAlarm, specificRunbook, summary string) {
		switch {
		case specificRunbook != "":
			a.runbook, a.runbookPath = specificRunbook, a.path+".runbookUrl"
		case p.RunbookURL != "":
			a.runbook, a.runbookPath = p.RunbookURL, "runbookUrl"
		case p.RunbookBaseURL != "":
			a.runbook, a.runbookPath = strings.TrimRight(p.RunbookBaseURL, "/")+"/"+url.PathEscape(a.name), "runbookBaseUrl"
		}
		a.description = description(summary, p.Service, a.severity, a.runbook, consoleAlarmURL(region, a.name))
		out = append(out, a)
	}
	for _, m := range p.metrics() {
		add(plannedAlarm{path: validation.Index("metrics", m.index), name: AlarmName(p.Name, p.Service, m.ID), severity: m.Severity, metric: &m},
			m.RunbookURL, bandSummary(m))
	}
	if e := p.ErrorRate; p.errorRateEnabled() {
		add(plannedAlarm{path: "errorRate", name: ErrorRateAlarmName(p.Name, p.Service), severity: e.Severity}, "", errorRateSummary(p))
	}
	// The composite carries the most severe of its children's severities.
	sev := "info"
	for _, a := range out {
		if slices.Index(severities, a.severity) < slices.Index(severities, sev) {
			sev = a.severity
		}
	}
	add(plannedAlarm{path: "service", name: CompositeAlarmName(p.Name, p.Service), severity: sev}, "",
		fmt.Sprintf("Health of %s: ALARM while any of its %d alarms is in ALARM.", p.Service, len(out)))
	return out
}

// description writes the lines the enricher reads ("Service:",
// "Severity:", "Runbook:", "Dashboard:", each on its own line) after a
// summary that is shortened to keep within CloudWatch's 1024 characters.
func description(summary, service, severity, runbook, dashboard string) string {
	tail := "\nService: " + service + "\nSeverity: " + severity
	if runbook != "" {
		tail += "\nRunbook: " + runbook
	}
	tail += "\nDashboard: " + dashboard
	if room := maxDescription - len(tail); len(summary) > room {
		summary = cut(summary, room-3) + "..."
	}
	return summary + tail
}

func cut(s string, n int) string {
	if n <= 0 {
		return ""
	}
	for n < len(s) && n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:min(n, len(s))]
}

// consoleAlarmURL is the CloudWatch console deep link to an alarm, as the
// enricher builds it (enrich.ConsoleAlarmURL). The region may be a token:
// it is not escaped, and real region names need no escaping.
func consoleAlarmURL(region, name string) string {
	host := region + ".console.aws.amazon.com"
	switch {
	case strings.HasPrefix(region, "cn-"):
		host = region + ".console.amazonaws.cn"
	case strings.HasPrefix(region, "us-gov-"):
		host = "console.amazonaws-us-gov.com"
	}
	return "https://" + host + "/cloudwatch/home?region=" + region + "#alarmsV2:alarm/" + url.PathEscape(name)
}

var comparisonWords = map[string]string{OutsideBand: "outside", AboveBand: "above", BelowBand: "below"}

func bandSummary(m resolved) string {
	a := m.Anomaly
	what := m.ID + " = " + m.Expression
	if m.Expression == "" {
		what = describeSource(m.MetricSource)
	}
	return fmt.Sprintf("Anomaly: %s %s its anomaly band (k=%s) in %d of %d periods of %ds.",
		what, comparisonWords[a.ComparisonOperator], formatK(a.BandWidth), a.DatapointsToAlarm, a.EvaluationPeriods, int(m.Period/time.Second))
}

func errorRateSummary(p ServiceAlarmsProps) string {
	e := p.ErrorRate
	return fmt.Sprintf("Error rate 100 * errors / requests above %s%% in %d of %d periods of %ds; errors: %s; requests: %s.",
		strconv.FormatFloat(e.ThresholdPercent, 'f', -1, 64), e.DatapointsToAlarm, e.EvaluationPeriods, int(e.Period/time.Second),
		describeSource(p.expand(e.Errors, "Sum")), describeSource(p.expand(e.Requests, "Sum")))
}

func describeSource(s MetricSource) string {
	dims := make([]string, 0, len(s.Dimensions))
	for _, k := range slices.Sorted(maps.Keys(s.Dimensions)) {
		dims = append(dims, k+"="+s.Dimensions[k])
	}
	out := s.Namespace + " " + s.MetricName + " (" + s.Stat
	if len(dims) > 0 {
		out += ", " + strings.Join(dims, ", ")
	}
	return out + ")"
}

func formatK(k float64) string { return strconv.FormatFloat(k, 'f', -1, 64) }

// NewServiceAlarms creates, for one service, a detector and a band alarm
// per metric, the static error-rate alarm and the composite alarm.
func NewServiceAlarms(scope constructs.Construct, id string, props ServiceAlarmsProps) (*ServiceAlarms, error) {
	path := *scope.Node().Path() + "/" + id
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("anomaly %s: %w", path, err)
	}
	var v validation.Errors
	if props.Service == "" {
		v.Add("service", "", "the service name; required")
	}
	if props.Notify != NotifyNone {
		switch {
		case props.AlertsTopic == nil && props.AlertsTopicArn == "":
			v.Add("alertsTopic", nil, "an alerts topic or alertsTopicArn (or notify: none)")
		case props.AlertsTopic != nil && props.AlertsTopicArn != "":
			v.Add("alertsTopicArn", props.AlertsTopicArn, "empty when alertsTopic is given")
		case props.AlertsTopicArn != "" && !*awscdk.Token_IsUnresolved(props.AlertsTopicArn) &&
			!(strings.HasPrefix(props.AlertsTopicArn, "arn:") && strings.Contains(props.AlertsTopicArn, ":sns:")):
			v.Add("alertsTopicArn", props.AlertsTopicArn, "an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>")
		}
	}
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("anomaly %s: %w", path, err)
	}
	p := props.withDefaults()

	c := constructs.NewConstruct(scope, &id)
	out := &ServiceAlarms{Construct: c}
	region := *awscdk.Stack_Of(c).Region()
	var actions *[]*string
	if p.Notify != NotifyNone {
		arn := jsii.String(p.AlertsTopicArn)
		if p.AlertsTopic != nil {
			arn = p.AlertsTopic.TopicArn()
		}
		actions = &[]*string{arn}
	}
	childActions, compositeActions := actions, (*[]*string)(nil)
	if p.Notify == NotifyComposite {
		childActions, compositeActions = nil, actions
	}

	plan := p.plan(region)
	var rule []string
	for _, a := range plan[:len(plan)-1] {
		var alarm awscloudwatch.CfnAlarm
		if m := a.metric; m != nil {
			mc := constructs.NewConstruct(c, jsii.String(m.ID))
			det := awscloudwatch.NewCfnAnomalyDetector(mc, jsii.String("Detector"), detectorProps(*m))
			alarm = awscloudwatch.NewCfnAlarm(mc, jsii.String("Alarm"), bandAlarmProps(*m, a, childActions))
			// An alarm on a band with no detector creates a model of its
			// own, without our time zone and exclusions, and the detector
			// then fails to create; so the detector goes first.
			alarm.AddDependency(det)
			out.Detectors = append(out.Detectors, det)
			out.BandAlarms = append(out.BandAlarms, alarm)
		} else {
			alarm = awscloudwatch.NewCfnAlarm(c, jsii.String("ErrorRate"), errorRateAlarmProps(p, a, childActions))
			out.ErrorRateAlarm = alarm
		}
		out.AlarmNames = append(out.AlarmNames, a.name)
		// Ref gives the alarm name and orders the composite after it.
		rule = append(rule, `ALARM("`+*alarm.Ref()+`")`)
	}
	health := plan[len(plan)-1]
	out.Composite = awscloudwatch.NewCfnCompositeAlarm(c, jsii.String("Health"), &awscloudwatch.CfnCompositeAlarmProps{
		AlarmName:        jsii.String(health.name),
		AlarmDescription: jsii.String(health.description),
		AlarmRule:        jsii.String(strings.Join(rule, " OR ")),
		ActionsEnabled:   jsii.Bool(true),
		AlarmActions:     compositeActions,
		OkActions:        compositeActions,
	})
	out.AlarmNames = append(out.AlarmNames, health.name)
	return out, nil
}

func sortedDims(dims map[string]string, newDim func(name, value string) any) *[]any {
	if len(dims) == 0 {
		return nil
	}
	out := make([]any, 0, len(dims))
	for _, k := range slices.Sorted(maps.Keys(dims)) {
		out = append(out, newDim(k, dims[k]))
	}
	return &out
}

func detectorDim(name, value string) any {
	return &awscloudwatch.CfnAnomalyDetector_DimensionProperty{Name: jsii.String(name), Value: jsii.String(value)}
}

func alarmDim(name, value string) any {
	return &awscloudwatch.CfnAlarm_DimensionProperty{Name: jsii.String(name), Value: jsii.String(value)}
}

// cfnTime is the AnomalyDetector Range format, yyyy-MM-ddTHH:mm:ss (UTC).
const cfnTime = "2006-01-02T15:04:05"

func detectorProps(m resolved) *awscloudwatch.CfnAnomalyDetectorProps {
	props := &awscloudwatch.CfnAnomalyDetectorProps{}
	if m.Expression == "" {
		props.SingleMetricAnomalyDetector = &awscloudwatch.CfnAnomalyDetector_SingleMetricAnomalyDetectorProperty{
			Namespace:  jsii.String(m.Namespace),
			MetricName: jsii.String(m.MetricName),
			Dimensions: sortedDims(m.Dimensions, detectorDim),
			Stat:       jsii.String(m.Stat),
		}
	} else {
		period := jsii.Number(m.Period.Seconds())
		queries := make([]any, 0, len(m.Inputs)+1)
		for _, in := range m.Inputs {
			queries = append(queries, &awscloudwatch.CfnAnomalyDetector_MetricDataQueryProperty{
				Id: jsii.String(in.ID),
				MetricStat: &awscloudwatch.CfnAnomalyDetector_MetricStatProperty{
					Metric: &awscloudwatch.CfnAnomalyDetector_MetricProperty{Namespace: jsii.String(in.Namespace), MetricName: jsii.String(in.MetricName),
						Dimensions: sortedDims(in.Dimensions, detectorDim)},
					Period: period, Stat: jsii.String(in.Stat),
				},
				ReturnData: jsii.Bool(false),
			})
		}
		queries = append(queries, &awscloudwatch.CfnAnomalyDetector_MetricDataQueryProperty{
			Id: jsii.String(bandSeriesID), Expression: jsii.String(m.Expression), ReturnData: jsii.Bool(true),
		})
		props.MetricMathAnomalyDetector = &awscloudwatch.CfnAnomalyDetector_MetricMathAnomalyDetectorProperty{MetricDataQueries: &queries}
	}
	a := m.Anomaly
	if a.TimeZone != "" || len(a.ExcludedTimeRanges) > 0 {
		cfg := &awscloudwatch.CfnAnomalyDetector_ConfigurationProperty{}
		if a.TimeZone != "" {
			cfg.MetricTimeZone = jsii.String(a.TimeZone)
		}
		if len(a.ExcludedTimeRanges) > 0 {
			ranges := make([]any, len(a.ExcludedTimeRanges))
			for i, r := range a.ExcludedTimeRanges {
				ranges[i] = &awscloudwatch.CfnAnomalyDetector_RangeProperty{
					StartTime: jsii.String(r.Start.UTC().Format(cfnTime)), EndTime: jsii.String(r.End.UTC().Format(cfnTime)),
				}
			}
			cfg.ExcludedTimeRanges = &ranges
		}
		props.Configuration = cfg
	}
	return props
}

func alarmStat(id string, s MetricSource, period time.Duration, returnData bool) any {
	return &awscloudwatch.CfnAlarm_MetricDataQueryProperty{
		Id: jsii.String(id),
		MetricStat: &awscloudwatch.CfnAlarm_MetricStatProperty{
			Metric: &awscloudwatch.CfnAlarm_MetricProperty{Namespace: jsii.String(s.Namespace), MetricName: jsii.String(s.MetricName),
				Dimensions: sortedDims(s.Dimensions, alarmDim)},
			Period: jsii.Number(period.Seconds()), Stat: jsii.String(s.Stat),
		},
		ReturnData: jsii.Bool(returnData),
	}
}

func bandAlarmProps(m resolved, a plannedAlarm, actions *[]*string) *awscloudwatch.CfnAlarmProps {
	var queries []any
	if m.Expression == "" {
		queries = append(queries, alarmStat(bandSeriesID, m.MetricSource, m.Period, true))
	} else {
		for _, in := range m.Inputs {
			queries = append(queries, alarmStat(in.ID, in.MetricSource, m.Period, false))
		}
		queries = append(queries, &awscloudwatch.CfnAlarm_MetricDataQueryProperty{
			Id: jsii.String(bandSeriesID), Expression: jsii.String(m.Expression), Label: jsii.String(m.ID), ReturnData: jsii.Bool(true),
		})
	}
	queries = append(queries, &awscloudwatch.CfnAlarm_MetricDataQueryProperty{
		Id:         jsii.String(bandID),
		Expression: jsii.String(fmt.Sprintf("ANOMALY_DETECTION_BAND(%s, %s)", bandSeriesID, formatK(m.Anomaly.BandWidth))),
		ReturnData: jsii.Bool(true),
	})
	return &awscloudwatch.CfnAlarmProps{
		AlarmName:          jsii.String(a.name),
		AlarmDescription:   jsii.String(a.description),
		ComparisonOperator: jsii.String(m.Anomaly.ComparisonOperator),
		EvaluationPeriods:  jsii.Number(float64(m.Anomaly.EvaluationPeriods)),
		DatapointsToAlarm:  jsii.Number(float64(m.Anomaly.DatapointsToAlarm)),
		Metrics:            &queries,
		ThresholdMetricId:  jsii.String(bandID),
		TreatMissingData:   jsii.String(m.Anomaly.TreatMissingData),
		ActionsEnabled:     jsii.Bool(true),
		AlarmActions:       actions,
		OkActions:          actions,
	}
}

func errorRateAlarmProps(p ServiceAlarmsProps, a plannedAlarm, actions *[]*string) *awscloudwatch.CfnAlarmProps {
	e := p.ErrorRate
	queries := []any{
		alarmStat("errors", p.expand(e.Errors, "Sum"), e.Period, false),
		alarmStat("requests", p.expand(e.Requests, "Sum"), e.Period, false),
		&awscloudwatch.CfnAlarm_MetricDataQueryProperty{
			Id: jsii.String("rate"), Expression: jsii.String("100 * errors / requests"), Label: jsii.String("Error rate (%)"), ReturnData: jsii.Bool(true),
		},
	}
	return &awscloudwatch.CfnAlarmProps{
		AlarmName:          jsii.String(a.name),
		AlarmDescription:   jsii.String(a.description),
		ComparisonOperator: jsii.String("GreaterThanThreshold"),
		Threshold:          jsii.Number(e.ThresholdPercent),
		EvaluationPeriods:  jsii.Number(float64(e.EvaluationPeriods)),
		DatapointsToAlarm:  jsii.Number(float64(e.DatapointsToAlarm)),
		Metrics:            &queries,
		TreatMissingData:   jsii.String(e.TreatMissingData),
		ActionsEnabled:     jsii.Bool(true),
		AlarmActions:       actions,
		OkActions:          actions,
	}
}
