package slo

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationsignals"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/review"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// NewDiscovery creates AWS::ApplicationSignals::Discovery, once per
// account-region: it enables Application Signals and creates its
// service-linked role, which SLOs need
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-applicationsignals-discovery.html).
// Make every stack with SLOs depend on it.
func NewDiscovery(scope constructs.Construct, id string) awsapplicationsignals.CfnDiscovery {
	return awsapplicationsignals.NewCfnDiscovery(scope, jsii.String(id), &awsapplicationsignals.CfnDiscoveryProps{})
}

// ServiceSLOs is one service's SLOs and burn-rate alarms.
type ServiceSLOs struct {
	constructs.Construct
	// Objectives, in the order of the props.
	Objectives []*ObjectiveResources
	// Report lists the objectives and alerts with their thresholds; it is
	// also written to cdk.out/review/slo/<service>.txt.
	Report string
}

// ObjectiveResources is one SLO and its alerts.
type ObjectiveResources struct {
	// Name is the SLO name.
	Name string
	// SLO is the ServiceLevelObjective resource.
	SLO awsapplicationsignals.CfnServiceLevelObjective
	// Alerts, in the order of the objective's alerts.
	Alerts []*AlertResources
}

// AlertResources is one burn-rate alert: the long- and short-window
// alarms and the composite that notifies.
type AlertResources struct {
	Long, Short awscloudwatch.CfnAlarm
	Composite   awscloudwatch.CfnCompositeAlarm
	// Threshold is the burn rate both windows must reach.
	Threshold float64
}

// NewServiceSLOs creates, for one service, an SLO per objective and three
// alarms per burn-rate alert. Errors name the construct path.
func NewServiceSLOs(scope constructs.Construct, id string, props ServiceSLOsProps) (*ServiceSLOs, error) {
	region := *awscdk.Stack_Of(scope).Region()
	if err := props.ValidateIn(region); err != nil {
		return nil, pathError(scope, id, err)
	}
	p := props.withDefaults()
	notify := !p.NoNotifications
	if notify && p.AlertsTopic == nil {
		for _, o := range p.Objectives {
			if len(o.Alerts) > 0 {
				var v validation.Errors
				v.Add("alertsTopic", nil, "an alerts topic (or noNotifications)")
				return nil, pathError(scope, id, v.Err())
			}
		}
		notify = false
	}
	c := constructs.NewConstruct(scope, &id)
	out := &ServiceSLOs{Construct: c}
	var actions *[]*string
	if notify {
		actions = &[]*string{p.AlertsTopic.TopicArn()}
	}
	for _, o := range p.Objectives {
		oc := constructs.NewConstruct(c, jsii.String(o.ID))
		name := SLOName(p.Name, p.Service, o.ID)
		res := &ObjectiveResources{Name: name}
		res.SLO = awsapplicationsignals.NewCfnServiceLevelObjective(oc, jsii.String("Resource"), sloProps(p, o, name))
		for _, pa := range plan(p, o, region) {
			ac := constructs.NewConstruct(oc, jsii.String(pa.alert.ID))
			ar := &AlertResources{Threshold: pa.threshold}
			ar.Long = awscloudwatch.NewCfnAlarm(ac, jsii.String("Long"), windowAlarmProps(name, pa, pa.alert.LongWindow, pa.longName))
			ar.Short = awscloudwatch.NewCfnAlarm(ac, jsii.String("Short"), windowAlarmProps(name, pa, pa.alert.ShortWindow, pa.shortName))
			// The burn-rate metrics exist only once the SLO does.
			ar.Long.AddDependency(res.SLO)
			ar.Short.AddDependency(res.SLO)
			ar.Composite = awscloudwatch.NewCfnCompositeAlarm(ac, jsii.String("Composite"), &awscloudwatch.CfnCompositeAlarmProps{
				AlarmName:        jsii.String(pa.name),
				AlarmDescription: jsii.String(pa.description),
				// Ref gives the alarm name and orders the composite after both.
				AlarmRule:      jsii.String(fmt.Sprintf(`ALARM("%s") AND ALARM("%s")`, *ar.Long.Ref(), *ar.Short.Ref())),
				ActionsEnabled: jsii.Bool(true),
				AlarmActions:   actions,
				OkActions:      actions,
			})
			res.Alerts = append(res.Alerts, ar)
		}
		out.Objectives = append(out.Objectives, res)
	}
	out.Report = p.report()
	// The same in every region, so each regional copy is identical.
	if err := review.Add(c, "slo/"+p.Service+".txt", []byte(out.Report)); err != nil {
		return nil, pathError(scope, id, err)
	}
	return out, nil
}

// Report lists each objective and its alerts with the threshold
// arithmetic, one line each: what cdk.out/review/slo/<service>.txt holds.
func (p ServiceSLOsProps) Report() string { return p.withDefaults().report() }

func (p ServiceSLOsProps) report() string {
	var b strings.Builder
	for _, o := range p.Objectives {
		windows := make([]string, 0)
		for _, m := range lookBackWindows(o) {
			windows = append(windows, contract.WindowName(m))
		}
		fmt.Fprintf(&b, "%s: %s, goal %s%% over %s (error budget %s%%); burn-rate windows %s\n", SLOName(p.Name, p.Service, o.ID), o.Kind,
			formatNumber(o.Goal), FormatWindow(o.Window), strconv.FormatFloat(100-o.Goal, 'g', 10, 64), strings.Join(windows, ", "))
		for _, a := range o.Alerts {
			fmt.Fprintf(&b, "  %s [%s]: both %s and %s >= %s; %s\n", CompositeAlarmName(p.Name, p.Service, o.ID, a.ID), a.Severity,
				FormatWindow(a.LongWindow), FormatWindow(a.ShortWindow), formatNumber(Threshold(a.BudgetPercent, o.Window, a.LongWindow)), arithmetic(o, a))
		}
	}
	return b.String()
}

// plannedAlert is an alert's names, threshold and description, computed
// before any construct exists so Validate can check their limits.
type plannedAlert struct {
	alert                     BurnRateAlert
	name, longName, shortName string
	threshold                 float64
	description               string
}

func plan(p ServiceSLOsProps, o Objective, region string) []plannedAlert {
	var out []plannedAlert
	slo := SLOName(p.Name, p.Service, o.ID)
	for _, a := range o.Alerts {
		pa := plannedAlert{
			alert:     a,
			name:      CompositeAlarmName(p.Name, p.Service, o.ID, a.ID),
			longName:  WindowAlarmName(p.Name, p.Service, o.ID, a.ID, a.LongWindow),
			shortName: WindowAlarmName(p.Name, p.Service, o.ID, a.ID, a.ShortWindow),
			threshold: Threshold(a.BudgetPercent, o.Window, a.LongWindow),
		}
		summary := fmt.Sprintf("SLO burn: %s (%s, goal %s%% over %s) burns its error budget at least %sx over both %s and %s; %s.",
			slo, o.Kind, formatNumber(o.Goal), FormatWindow(o.Window), formatNumber(pa.threshold),
			FormatWindow(a.LongWindow), FormatWindow(a.ShortWindow), arithmetic(o, a))
		lines := []string{
			contract.DescriptionLine(contract.DescriptionService, p.Service),
			contract.DescriptionLine(contract.DescriptionSeverity, string(a.Severity)),
			contract.DescriptionLine(contract.DescriptionSLO, slo),
			contract.DescriptionLine(contract.DescriptionSLOGoal, formatNumber(o.Goal)),
			contract.DescriptionLine(contract.DescriptionBurnWindows, strconv.Itoa(int(a.LongWindow/time.Minute))+" "+strconv.Itoa(int(a.ShortWindow/time.Minute))),
			contract.DescriptionLine(contract.DescriptionBurnThreshold, formatNumber(pa.threshold)),
		}
		if o.RunbookURL != "" {
			lines = append(lines, contract.DescriptionLine(contract.DescriptionRunbook, o.RunbookURL))
		}
		lines = append(lines, contract.DescriptionLine(contract.DescriptionDashboard,
			contract.ConsoleAlarmURL(contract.PartitionOfRegion(region), region, pa.name)))
		pa.description = summary + "\n" + strings.Join(lines, "\n")
		out = append(out, pa)
	}
	return out
}

func windowAlarmProps(slo string, pa plannedAlert, window time.Duration, name string) *awscloudwatch.CfnAlarmProps {
	minutes := strconv.Itoa(int(window / time.Minute))
	return &awscloudwatch.CfnAlarmProps{
		AlarmName: jsii.String(name),
		AlarmDescription: jsii.String(fmt.Sprintf("Burn rate of SLO %s over %s at least %s (one half of the composite %s; it notifies, not this alarm).",
			slo, FormatWindow(window), formatNumber(pa.threshold), pa.name)),
		Namespace:  jsii.String(contract.SLOMetricNamespace),
		MetricName: jsii.String(contract.SLOMetricBurnRate),
		Dimensions: &[]any{
			&awscloudwatch.CfnAlarm_DimensionProperty{Name: jsii.String(contract.SLODimensionBurnRateWindow), Value: jsii.String(minutes)},
			&awscloudwatch.CfnAlarm_DimensionProperty{Name: jsii.String(contract.SLODimensionName), Value: jsii.String(slo)},
		},
		Statistic:          jsii.String("Maximum"),
		Period:             jsii.Number(pa.alert.Period.Seconds()),
		EvaluationPeriods:  jsii.Number(1),
		DatapointsToAlarm:  jsii.Number(1),
		Threshold:          jsii.Number(pa.threshold),
		ComparisonOperator: jsii.String("GreaterThanOrEqualToThreshold"),
		// A gap in the burn-rate series keeps the state: neither a page
		// nor a resolution for data that is not there.
		TreatMissingData: jsii.String("ignore"),
		ActionsEnabled:   jsii.Bool(false),
	}
}

func sloProps(p ServiceSLOsProps, o Objective, name string) *awsapplicationsignals.CfnServiceLevelObjectiveProps {
	duration, unit := interval(o.Window)
	props := &awsapplicationsignals.CfnServiceLevelObjectiveProps{
		Name:        jsii.String(name),
		Description: jsii.String(objectiveDescription(p, o)),
		Goal: &awsapplicationsignals.CfnServiceLevelObjective_GoalProperty{
			AttainmentGoal: jsii.Number(o.Goal),
			Interval: &awsapplicationsignals.CfnServiceLevelObjective_IntervalProperty{
				RollingInterval: &awsapplicationsignals.CfnServiceLevelObjective_RollingIntervalProperty{
					Duration: jsii.Number(float64(duration)), DurationUnit: jsii.String(unit),
				},
			},
		},
	}
	if windows := lookBackWindows(o); len(windows) > 0 {
		cfgs := make([]any, len(windows))
		for i, m := range windows {
			cfgs[i] = &awsapplicationsignals.CfnServiceLevelObjective_BurnRateConfigurationProperty{LookBackWindowMinutes: jsii.Number(float64(m))}
		}
		props.BurnRateConfigurations = &cfgs
	}
	var keyAttributes any
	if o.Source == SourceApplicationSignals {
		keyAttributes = map[string]any{"Type": "Service", "Name": p.Service, "Environment": o.Environment}
	}
	var operation *string
	if o.Operation != "" {
		operation = jsii.String(o.Operation)
	}
	switch o.Kind {
	case KindAvailability:
		m := &awsapplicationsignals.CfnServiceLevelObjective_RequestBasedSliMetricProperty{}
		if o.Source == SourceApplicationSignals {
			m.KeyAttributes, m.OperationName, m.MetricType = keyAttributes, operation, jsii.String("AVAILABILITY")
		} else {
			m.TotalRequestCountMetric = &[]any{sloQuery("total", p.expand(o.Total, "Sum"), time.Minute)}
			monitored := &awsapplicationsignals.CfnServiceLevelObjective_MonitoredRequestCountMetricProperty{}
			if !o.Good.empty() {
				monitored.GoodCountMetric = &[]any{sloQuery("good", p.expand(o.Good, "Sum"), time.Minute)}
			} else {
				monitored.BadCountMetric = &[]any{sloQuery("bad", p.expand(o.Bad, "Sum"), time.Minute)}
			}
			m.MonitoredRequestCountMetric = monitored
		}
		props.RequestBasedSli = &awsapplicationsignals.CfnServiceLevelObjective_RequestBasedSliProperty{RequestBasedSliMetric: m}
	case KindLatency:
		m := &awsapplicationsignals.CfnServiceLevelObjective_SliMetricProperty{}
		if o.Source == SourceApplicationSignals {
			m.KeyAttributes, m.OperationName, m.MetricType = keyAttributes, operation, jsii.String("LATENCY")
			m.Statistic, m.PeriodSeconds = jsii.String(o.Percentile), jsii.Number(o.Period.Seconds())
		} else {
			m.MetricDataQueries = &[]any{sloQuery("latency", p.expand(o.Latency, o.Percentile), o.Period)}
		}
		props.Sli = &awsapplicationsignals.CfnServiceLevelObjective_SliProperty{
			SliMetric:          m,
			MetricThreshold:    jsii.Number(float64(o.Threshold) / float64(time.Millisecond)),
			ComparisonOperator: jsii.String("LessThan"),
		}
	}
	return props
}

func sloQuery(id string, s MetricSource, period time.Duration) any {
	var dims *[]any
	if len(s.Dimensions) > 0 {
		d := make([]any, 0, len(s.Dimensions))
		for _, k := range slices.Sorted(maps.Keys(s.Dimensions)) {
			d = append(d, &awsapplicationsignals.CfnServiceLevelObjective_DimensionProperty{Name: jsii.String(k), Value: jsii.String(s.Dimensions[k])})
		}
		dims = &d
	}
	return &awsapplicationsignals.CfnServiceLevelObjective_MetricDataQueryProperty{
		Id: jsii.String(id),
		MetricStat: &awsapplicationsignals.CfnServiceLevelObjective_MetricStatProperty{
			Metric: &awsapplicationsignals.CfnServiceLevelObjective_MetricProperty{
				Namespace: jsii.String(s.Namespace), MetricName: jsii.String(s.MetricName), Dimensions: dims,
			},
			Period: jsii.Number(period.Seconds()),
			Stat:   jsii.String(s.Stat),
		},
		ReturnData: jsii.Bool(true),
	}
}

// expand fills the default statistic and replaces "{service}".
func (p ServiceSLOsProps) expand(s MetricSource, stat string) MetricSource {
	out := MetricSource{Namespace: s.Namespace, MetricName: s.MetricName, Stat: s.Stat}
	if out.Stat == "" {
		out.Stat = stat
	}
	if len(s.Dimensions) > 0 {
		out.Dimensions = make(map[string]string, len(s.Dimensions))
		for k, v := range s.Dimensions {
			out.Dimensions[k] = strings.ReplaceAll(v, ServicePlaceholder, p.Service)
		}
	}
	return out
}

func objectiveDescription(p ServiceSLOsProps, o Objective) string {
	if o.Description != "" {
		return o.Description
	}
	what := "availability (good requests / total requests)"
	if o.Kind == KindLatency {
		what = fmt.Sprintf("latency (%s under %s per %s period)", o.Percentile, o.Threshold, FormatWindow(o.Period))
	}
	target := p.Service
	if o.Operation != "" {
		target += " " + o.Operation
	}
	return fmt.Sprintf("%s %s: %s%% over a rolling %s", target, what, formatNumber(o.Goal), FormatWindow(o.Window))
}

func pathError(scope constructs.Construct, id string, err error) error {
	return fmt.Errorf("slo %s/%s: %w", *scope.Node().Path(), id, err)
}
