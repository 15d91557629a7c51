package metricstream

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// Metric is one CloudWatch metric the forwarder reads.
type Metric struct {
	// Namespace and MetricName, 1-255 characters each. Required.
	Namespace  string
	MetricName string
	// Dimensions, at most 30. Default: none.
	Dimensions map[string]string
	// Statistics, e.g. [Average, Maximum, p99]. Default:
	// contract.DefaultStatistics (Average, Maximum, Minimum).
	Statistics []string
	// Period of the datapoints, whole seconds. Default: 60s.
	Period time.Duration
	// Unit restricts the query to data published with this unit. Default:
	// any unit ("").
	Unit awscloudwatch.Unit
}

// Search is a CloudWatch SEARCH() expression the forwarder reads.
type Search struct {
	// Expression is the search term. Required.
	Expression string
	// Statistic. Default: Average.
	Statistic string
	// Period, whole seconds. Default: 60s.
	Period time.Duration
}

// ForwarderProps configures one region's metric forwarder.
type ForwarderProps struct {
	// Central is the central aggregation the forwarder writes to: its
	// stream name, region, writer role and account come from it. Required.
	Central CentralTarget
	// Schedule is how often the forwarder runs, and the window it forwards.
	// Default: 5m.
	Schedule time.Duration
	// Delay lets CloudWatch settle before a window is read. Default: 3m.
	Delay time.Duration
	// Metrics and Searches to forward; at least one.
	Metrics  []Metric
	Searches []Search
	// Function overrides the Lambda settings (ImportPath is fixed; RoleName
	// is set to match the writer role's trust). Default: golambda's
	// defaults with a 2-minute timeout.
	Function golambda.Props
}

func (p ForwarderProps) withDefaults() ForwarderProps {
	if p.Schedule == 0 {
		p.Schedule = 5 * time.Minute
	}
	if p.Delay == 0 {
		p.Delay = 3 * time.Minute
	}
	return p
}

// lambdaConfig converts the props to the forwarder's own configuration,
// which validates every field the Lambda will see. roleArn is the writer
// role, built at synth from the stack's partition.
func (p ForwarderProps) lambdaConfig(roleArn string) contract.Config {
	cfg := contract.Config{
		RoleARN:         roleArn,
		IntervalSeconds: int(p.Schedule / time.Second),
		DelaySeconds:    int(p.Delay / time.Second),
	}
	if p.Central != nil {
		cfg.StreamName, cfg.CentralRegion = p.Central.CentralNames().Stream(), p.Central.CentralRegion()
		// The writer role's owner sees which platform wrote.
		cfg.SessionName = p.Central.CentralNames().Platform + "-forwarder"
	}
	for _, m := range p.Metrics {
		cfg.Metrics = append(cfg.Metrics, contract.Metric{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions,
			Statistics: m.Statistics, PeriodSeconds: int(m.Period / time.Second), Unit: unitName(m.Unit)})
	}
	for _, s := range p.Searches {
		cfg.SearchExpressions = append(cfg.SearchExpressions, contract.SearchExpression{Expression: s.Expression, Statistic: s.Statistic, PeriodSeconds: int(s.Period / time.Second)})
	}
	return cfg
}

// Validate reports every invalid field of complete props: the central
// target, the schedule, and (through contract.Config.Validate, whose field
// names follow the Lambda's JSON) the metric set and window rules. Only
// the writer role ARN is left to NewForwarder, which builds it from the
// stack's partition.
func (p ForwarderProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	if p.Central == nil {
		v.Add("central", nil, "the central metrics (a *Central, or a RemoteCentral)")
	} else {
		if p.Central.CentralNames().Platform == "" {
			v.Add("central", "", "a target whose Names.Platform is set")
		}
		if a := p.Central.CentralAccount(); a != "" && len(a) != 12 {
			v.Add("centralAccount", a, "a 12-digit AWS account id")
		}
		if *awscdk.Token_IsUnresolved(p.Central.CentralRegion()) {
			v.Add("central", "a central stack without a region", "a central target with an explicit region (give the central stack Env.Region): the forwarder names the central stream's region in its config")
		}
	}
	if p.Schedule%time.Minute != 0 || p.Schedule < time.Minute {
		v.Add("schedule", p.Schedule.String(), "whole minutes, at least 1m")
	}
	if p.Delay%time.Second != 0 || p.Delay < 0 {
		v.Add("delay", p.Delay.String(), "whole seconds, 0 or more")
	}
	for i, m := range p.Metrics {
		if m.Period%time.Second != 0 {
			v.Add(validation.Index("metrics", i)+".period", m.Period.String(), "whole seconds")
		}
		if _, ok := cloudWatchUnits[m.Unit]; !ok && m.Unit != "" {
			v.Add(validation.Index("metrics", i)+".unit", string(m.Unit), "empty or an awscloudwatch.Unit")
		}
	}
	// The contract validates what the Lambda will read, under its JSON
	// names; report each problem once, under the props field it came from.
	reported := map[string]bool{}
	for _, fe := range validation.Fields(v.Err()) {
		reported[fe.Path] = true
	}
	for _, fe := range validation.Fields(p.lambdaConfig("").Validate()) {
		path := propsPath(fe.Path)
		// Units are checked above, against the awscloudwatch.Unit names.
		if reported[path] || strings.HasSuffix(path, ".unit") {
			continue
		}
		v.Add(path, fe.Value, "%s", fe.Allowed)
	}
	return v.Err()
}

// propsPath maps a path of the forwarder's contract config (the Lambda's
// JSON names) to the props field it is built from.
func propsPath(contractPath string) string {
	for _, m := range []struct{ from, to string }{
		{"streamName", "central"}, {"centralRegion", "central"}, {"roleArn", "central"},
		{"intervalSeconds", "schedule"}, {"delaySeconds", "delay"}, {"searchExpressions", "searches"},
	} {
		if contractPath == m.from || strings.HasPrefix(contractPath, m.from+"[") || strings.HasPrefix(contractPath, m.from+".") {
			contractPath = m.to + strings.TrimPrefix(contractPath, m.from)
		}
	}
	return strings.Replace(contractPath, ".periodSeconds", ".period", 1)
}

// WithDefaults returns the props as NewForwarder uses them: the schedule
// and delay defaults filled in, and the function's golambda defaults.
func (p ForwarderProps) WithDefaults() ForwarderProps {
	p = p.withDefaults()
	p.Function = p.Function.WithDefaults()
	return p
}
