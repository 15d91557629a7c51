package anomaly

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Query ids of a band alarm: the series and its band. A band alarm's
// Metrics hold the series (id m1, or the inputs and an expression m1) and
// ANOMALY_DETECTION_BAND(m1, k) (id ad1), with ThresholdMetricId ad1 and no
// Threshold
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Anomaly_Detection_Alarm.html).
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

// NewServiceAlarms creates, for one service, a detector and a band alarm
// per metric, the static error-rate alarm and the composite alarm. Errors
// name the construct path.
func NewServiceAlarms(scope constructs.Construct, id string, props ServiceAlarmsProps) (*ServiceAlarms, error) {
	region := *awscdk.Stack_Of(scope).Region()
	if err := props.ValidateIn(region); err != nil {
		return nil, pathError(scope, id, err)
	}
	if props.Notify != NotifyNone && props.AlertsTopic == nil {
		var v validation.Errors
		v.Add("alertsTopic", nil, "an alerts topic (or notify: none)")
		return nil, pathError(scope, id, v.Err())
	}
	if props.Notify != NotifyNone {
		if err := sameEnvironment(scope, props.AlertsTopic); err != nil {
			return nil, pathError(scope, id, err)
		}
	}
	p := props.withDefaults()

	c := constructs.NewConstruct(scope, &id)
	out := &ServiceAlarms{Construct: c}
	var actions *[]*string
	if p.Notify != NotifyNone {
		actions = &[]*string{p.AlertsTopic.TopicArn()}
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
		ComparisonOperator: jsii.String(bandOperators[m.Anomaly.ComparisonOperator].cfn),
		EvaluationPeriods:  jsii.Number(float64(m.Anomaly.EvaluationPeriods)),
		DatapointsToAlarm:  jsii.Number(float64(m.Anomaly.DatapointsToAlarm)),
		Metrics:            &queries,
		ThresholdMetricId:  jsii.String(bandID),
		TreatMissingData:   jsii.String(missingData[m.Anomaly.TreatMissingData]),
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
		ComparisonOperator: jsii.String(staticErrorRateOperator),
		Threshold:          jsii.Number(e.ThresholdPercent),
		EvaluationPeriods:  jsii.Number(float64(e.EvaluationPeriods)),
		DatapointsToAlarm:  jsii.Number(float64(e.DatapointsToAlarm)),
		Metrics:            &queries,
		TreatMissingData:   jsii.String(missingData[e.TreatMissingData]),
		ActionsEnabled:     jsii.Bool(true),
		AlarmActions:       actions,
		OkActions:          actions,
	}
}

// pathError prefixes err with the path of the construct scope/id.
func pathError(scope constructs.Construct, id string, err error) error {
	return fmt.Errorf("anomaly %s/%s: %w", *scope.Node().Path(), id, err)
}

// sameEnvironment rejects a topic in another region or account than the
// alarms: CloudWatch alarm actions notify SNS topics of the alarm's own
// region and account only
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html),
// so such an alarm would deploy and page nobody. Unresolved values (an
// account-agnostic stack) cannot be compared and pass.
func sameEnvironment(scope constructs.Construct, topic awssns.ITopic) error {
	stack := awscdk.Stack_Of(scope)
	env := topic.Env()
	var v validation.Errors
	for _, c := range []struct{ what, topic, alarms string }{
		{"region", *env.Region, *stack.Region()},
		{"account", *env.Account, *stack.Account()},
	} {
		if !*awscdk.Token_IsUnresolved(c.topic) && !*awscdk.Token_IsUnresolved(c.alarms) && c.topic != c.alarms {
			v.Add("alertsTopic", *topic.TopicArn(), "a topic in the alarms' %s %s (it is in %s); create an Alerting there", c.what, c.alarms, c.topic)
		}
	}
	return v.Err()
}
