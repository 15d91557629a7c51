package config

import (
	"fmt"
	"github.com/o11yscale/o11yscale/constructs/platform"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"

	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Metrics configures the central stream and, per region, how metrics get
// there.
type Metrics struct {
	Central   MetricsCentral   `yaml:"central,omitempty" json:"central,omitempty"`
	Forwarder MetricsForwarder `yaml:"forwarder,omitempty" json:"forwarder,omitempty"`
	Stream    MetricsStream    `yaml:"stream,omitempty" json:"stream,omitempty"`
	// Regions picks, per workload region, "forwarder" (default), "stream"
	// or "both".
	Regions map[string]Delivery `yaml:"regions,omitempty" json:"regions,omitempty"`
}

// Delivery is how a region's metrics reach the central archive.
type Delivery string

// Metric delivery modes per region.
const (
	DeliverForwarder Delivery = "forwarder"
	DeliverStream    Delivery = "stream"
	DeliverBoth      Delivery = "both"
)

var deliveries = []Delivery{DeliverForwarder, DeliverStream, DeliverBoth}

// StreamMode is the central stream's capacity mode.
type StreamMode string

// Stream capacity modes.
const (
	OnDemand    StreamMode = "on-demand"
	Provisioned StreamMode = "provisioned"
)

// MetricsCentral configures the central stream, archive and writer role
// (metricstream.CentralProps).
type MetricsCentral struct {
	// Mode is "on-demand" or "provisioned". Default: "on-demand".
	Mode StreamMode `yaml:"mode,omitempty" json:"mode,omitempty"`
	// RecordsPerSecond and BytesPerSecond are the expected peak write
	// rate; in provisioned mode they size the stream. Default: 0.
	RecordsPerSecond float64 `yaml:"recordsPerSecond,omitempty" json:"recordsPerSecond,omitempty"`
	BytesPerSecond   float64 `yaml:"bytesPerSecond,omitempty" json:"bytesPerSecond,omitempty"`
	// Headroom multiplies the computed shard need. Default: 1.5.
	Headroom float64 `yaml:"headroom,omitempty" json:"headroom,omitempty"`
	// RetentionHours of the stream, 24-8760. Default: 24.
	RetentionHours int `yaml:"retentionHours,omitempty" json:"retentionHours,omitempty"`
	// TransitionDays moves archived metrics to S3 Glacier Flexible
	// Retrieval. Default: 90.
	TransitionDays int `yaml:"transitionDays,omitempty" json:"transitionDays,omitempty"`
	// ExpirationDays deletes archived metrics; must exceed
	// transitionDays. Default: 730.
	ExpirationDays int `yaml:"expirationDays,omitempty" json:"expirationDays,omitempty"`
	// WorkloadAccounts may also assume the writer role (cross-account).
	// Default: none; the stack's own account always may.
	WorkloadAccounts []string `yaml:"workloadAccounts,omitempty" json:"workloadAccounts,omitempty"`
	// RemovalPolicy of the fixed-named stream <name>-metrics and archive
	// bucket <name>-metrics-<account>-<region> (and its access-log
	// bucket): retain (default) keeps them after cdk destroy, destroy
	// deletes them (buckets only when empty). See the README's "Retained
	// resources" for redeploying after a destroy.
	RemovalPolicy RemovalPolicy `yaml:"removalPolicy,omitempty" json:"removalPolicy,omitempty"`
}

// RemovalPolicy is what CloudFormation does with a resource when its stack
// is deleted or the resource leaves the template: retain or destroy.
type RemovalPolicy string

var removalPolicies = map[RemovalPolicy]awscdk.RemovalPolicy{"retain": awscdk.RemovalPolicy_RETAIN, "destroy": awscdk.RemovalPolicy_DESTROY}

// props maps the config value to the CDK one; "" stays "" (the construct's
// default) and an unknown value passes through for validation to report.
func (r RemovalPolicy) props() awscdk.RemovalPolicy {
	if v, ok := removalPolicies[r]; ok {
		return v
	}
	return awscdk.RemovalPolicy(r)
}

func checkRemovalPolicy(v *validation.Errors, path string, r RemovalPolicy) {
	if _, ok := removalPolicies[r]; !ok && r != "" {
		v.Add(path, string(r), "retain or destroy")
	}
}

// MetricsForwarder configures the forwarder of every region that delivers
// with it (metricstream.ForwarderProps).
type MetricsForwarder struct {
	// CentralAccount owns the central stream. Default: the account of the
	// central stack (the platform account).
	CentralAccount string `yaml:"centralAccount,omitempty" json:"centralAccount,omitempty"`
	// Schedule is how often the forwarder runs, and the window it forwards.
	// Default: 5m.
	Schedule time.Duration `yaml:"schedule,omitempty" json:"schedule,omitempty"`
	// Delay lets CloudWatch settle before a window is read. Default: 3m.
	Delay time.Duration `yaml:"delay,omitempty" json:"delay,omitempty"`
	// Metrics and Searches to forward. Default: DefaultForwarded.
	Metrics  []ForwardedMetric `yaml:"metrics,omitempty" json:"metrics,omitempty"`
	Searches []ForwardedSearch `yaml:"searches,omitempty" json:"searches,omitempty"`
}

// ForwardedMetric is one CloudWatch metric the forwarder reads.
type ForwardedMetric struct {
	Namespace  string            `yaml:"namespace" json:"namespace"`
	MetricName string            `yaml:"metricName" json:"metricName"`
	Dimensions map[string]string `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	// Statistics, e.g. [Average, Maximum, p99]. Default: Average, Maximum,
	// Minimum.
	Statistics []string `yaml:"statistics,omitempty" json:"statistics,omitempty"`
	// Period of the datapoints. Default: 60s.
	Period time.Duration `yaml:"period,omitempty" json:"period,omitempty"`
	// Unit is a CloudWatch unit such as Milliseconds or Bytes/Second.
	// Default: any unit.
	Unit string `yaml:"unit,omitempty" json:"unit,omitempty"`
}

// ForwardedSearch is a CloudWatch SEARCH() expression the forwarder reads.
type ForwardedSearch struct {
	Expression string `yaml:"expression" json:"expression"`
	// Statistic. Default: Average.
	Statistic string `yaml:"statistic,omitempty" json:"statistic,omitempty"`
	// Period. Default: 60s.
	Period time.Duration `yaml:"period,omitempty" json:"period,omitempty"`
}

// MetricsStream configures the CloudWatch Metric Stream of every region
// that delivers with one (metricstream.StreamProps).
type MetricsStream struct {
	// IncludeNamespaces or ExcludeNamespaces (not both). Default: include
	// AWS/ApiGateway, AWS/Lambda and the platform's pipeline namespace
	// "<Name>/Pipeline" with the first letter in upper case, e.g.
	// O11yscale/Pipeline.
	IncludeNamespaces []string `yaml:"includeNamespaces,omitempty" json:"includeNamespaces,omitempty"`
	ExcludeNamespaces []string `yaml:"excludeNamespaces,omitempty" json:"excludeNamespaces,omitempty"`
	// OutputFormat: json, opentelemetry1.0 or opentelemetry0.7. Default: json
	// (it keeps the archive queryable with Athena).
	OutputFormat string `yaml:"outputFormat,omitempty" json:"outputFormat,omitempty"`
	// Statistics adds percentiles etc. for specific metrics (at most 100).
	Statistics []StreamStatistics `yaml:"statistics,omitempty" json:"statistics,omitempty"`
}

// StreamStatistics asks the stream for extra statistics of some metrics.
type StreamStatistics struct {
	Namespace  string   `yaml:"namespace" json:"namespace"`
	MetricName string   `yaml:"metricName" json:"metricName"`
	Statistics []string `yaml:"statistics" json:"statistics"`
}

// Delivery returns the metric delivery mode of a region.
func (m Metrics) Delivery(region string) Delivery {
	if d := m.Regions[region]; d != "" {
		return d
	}
	return DeliverForwarder
}

var (
	streamModes   = map[StreamMode]awskinesis.StreamMode{OnDemand: awskinesis.StreamMode_ON_DEMAND, Provisioned: awskinesis.StreamMode_PROVISIONED}
	outputFormats = map[string]metricstream.OutputFormat{"json": metricstream.OutputFormatJSON,
		"opentelemetry1.0": metricstream.OutputFormatOpenTelemetry1_0, "opentelemetry0.7": metricstream.OutputFormatOpenTelemetry0_7}
)

// CentralMetricsProps maps metrics.central to the central construct's
// props, named after the platform.
func (p *Platform) CentralMetricsProps() metricstream.CentralProps {
	c := p.Metrics.Central
	mode, ok := streamModes[c.Mode]
	if !ok && c.Mode != "" {
		mode = awskinesis.StreamMode(c.Mode) // reported by validateMetrics
	}
	return metricstream.CentralProps{Name: p.Name, Mode: mode, RecordsPerSecond: c.RecordsPerSecond, BytesPerSecond: c.BytesPerSecond,
		Headroom: c.Headroom, RetentionHours: c.RetentionHours, TransitionDays: c.TransitionDays, ExpirationDays: c.ExpirationDays,
		WorkloadAccounts: c.WorkloadAccounts, RemovalPolicy: c.RemovalPolicy.props()}
}

// ForwarderProps maps metrics.forwarder to the props of a region's
// forwarder writing to central, forwarding DefaultForwarded when the config
// declares no metrics or searches. With metrics.forwarder.centralAccount
// set, it is an error when the central stack is in another account.
func (p *Platform) ForwarderProps(central *metricstream.Central) (metricstream.ForwarderProps, error) {
	var target metricstream.CentralTarget = central
	if a := p.Metrics.Forwarder.CentralAccount; a != "" {
		t, err := central.InAccount(a)
		if err != nil {
			return metricstream.ForwarderProps{}, fmt.Errorf("metrics.forwarder.centralAccount: %w", err)
		}
		target = t
	}
	return p.forwarderProps(target), nil
}

func (p *Platform) forwarderProps(central metricstream.CentralTarget) metricstream.ForwarderProps {
	f := p.Metrics.Forwarder
	out := metricstream.ForwarderProps{Central: central, Schedule: f.Schedule, Delay: f.Delay}
	for _, m := range f.Metrics {
		unit, ok := metricstream.ParseUnit(m.Unit)
		if !ok && m.Unit != "" {
			unit = awscloudwatch.Unit(m.Unit) // reported by validateMetrics
		}
		out.Metrics = append(out.Metrics, metricstream.Metric{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions,
			Statistics: m.Statistics, Period: m.Period, Unit: unit})
	}
	for _, s := range f.Searches {
		out.Searches = append(out.Searches, metricstream.Search{Expression: s.Expression, Statistic: s.Statistic, Period: s.Period})
	}
	if len(out.Metrics) == 0 && len(out.Searches) == 0 {
		out.Metrics, out.Searches = p.DefaultForwarded()
	}
	return out
}

// MetricStreamProps maps metrics.stream to the props of a region's metric
// stream delivering to central's archive.
func (p *Platform) MetricStreamProps(central metricstream.CentralTarget) metricstream.StreamProps {
	s := p.Metrics.Stream
	format, ok := outputFormats[s.OutputFormat]
	if !ok {
		format = metricstream.OutputFormat(s.OutputFormat) // "" is the default; others are reported by validateMetrics
	}
	out := metricstream.StreamProps{Central: central, IncludeNamespaces: s.IncludeNamespaces, ExcludeNamespaces: s.ExcludeNamespaces, OutputFormat: format}
	for _, st := range s.Statistics {
		out.Statistics = append(out.Statistics, metricstream.StreamStatistics{Namespace: st.Namespace, MetricName: st.MetricName, Statistics: st.Statistics})
	}
	return out
}

// centralTarget is where the platform's central metrics are: named after
// the platform, in its central region. Validation uses it; the stacks pass
// the central construct itself.
func (p *Platform) centralTarget() metricstream.RemoteCentral {
	return metricstream.RemoteCentral{Names: metricstream.Names{Platform: p.Name}, Region: p.CentralRegion, Account: p.Metrics.Forwarder.CentralAccount}
}

// DefaultForwarded is what each region forwards when the config declares
// nothing; see platform.DefaultForwarded.
func (p *Platform) DefaultForwarded() ([]metricstream.Metric, []metricstream.Search) {
	return platform.DefaultForwarded(p.platformServices())
}

// validateMetrics checks the section's own YAML values, then the complete
// props the stacks build from it for this platform, reporting each
// problem once under the config path.
func (p *Platform) validateMetrics(v *validation.Errors) {
	m := p.Metrics
	var own validation.Errors
	if _, ok := streamModes[m.Central.Mode]; !ok && m.Central.Mode != "" {
		own.Add("metrics.central.mode", string(m.Central.Mode), "on-demand or provisioned")
	}
	checkRemovalPolicy(&own, "metrics.central.removalPolicy", m.Central.RemovalPolicy)
	if a := m.Forwarder.CentralAccount; a != "" && len(a) != 12 {
		own.Add("metrics.forwarder.centralAccount", a, "a 12-digit AWS account id")
	}
	for i, fm := range m.Forwarder.Metrics {
		if _, ok := metricstream.ParseUnit(fm.Unit); !ok && fm.Unit != "" {
			own.Add(validation.Index("metrics.forwarder.metrics", i)+".unit", fm.Unit,
				"empty or a CloudWatch standard unit such as Count, Milliseconds, Bytes/Second, None")
		}
	}
	if _, ok := outputFormats[m.Stream.OutputFormat]; !ok && m.Stream.OutputFormat != "" {
		own.Add("metrics.stream.outputFormat", m.Stream.OutputFormat, "json, opentelemetry1.0 or opentelemetry0.7")
	}
	// The forwarder is checked when declared, or when a region uses it
	// (with the default metric set).
	forwards := len(m.Forwarder.Metrics) > 0 || len(m.Forwarder.Searches) > 0
	for _, r := range slices.Sorted(maps.Keys(m.Regions)) {
		mode := m.Regions[r]
		if !slices.Contains(p.Regions, r) {
			own.Add(validation.Key("metrics.regions", r), r, "one of the workload regions %v", p.Regions)
		}
		if !slices.Contains(deliveries, mode) {
			own.Add(validation.Key("metrics.regions", r), string(mode), "forwarder, stream or both")
		}
	}
	for _, r := range p.Regions {
		if d := m.Delivery(r); d == DeliverForwarder || d == DeliverBoth {
			forwards = true
		}
	}
	v.Merge("", own.Err())

	// Paths already reported: the section's own, and the platform's name
	// and central region, which the props repeat as the stream name and
	// region of the central target.
	reported := map[string]bool{}
	if !platRE.MatchString(p.Name) {
		reported["metrics.forwarder.streamName"] = true
	}
	if !regionRE.MatchString(p.CentralRegion) {
		reported["metrics.forwarder.centralRegion"] = true
	}
	for _, fe := range validation.Fields(own.Err()) {
		reported[fe.Path] = true
	}
	merge := func(prefix string, err error, skip func(path string) bool) {
		seen := map[string]bool{}
		for _, fe := range validation.Fields(err) {
			path := validation.Join(prefix, fe.Path)
			key := path + "\x00" + fmt.Sprint(fe.Value) + "\x00" + fe.Allowed
			if reported[path] || seen[key] || (skip != nil && skip(fe.Path)) {
				continue
			}
			seen[key] = true
			v.Add(path, fe.Value, "%s", fe.Allowed)
		}
	}
	merge("metrics.central", p.CentralMetricsProps().Validate(), nil)
	merge("metrics.stream", p.MetricStreamProps(p.centralTarget()).Validate(), nil)
	if forwards {
		declared := len(m.Forwarder.Metrics) > 0 || len(m.Forwarder.Searches) > 0
		merge("metrics.forwarder", p.forwarderProps(p.centralTarget()).Validate(), func(path string) bool {
			// DefaultForwarded derives the metric set from the services;
			// a problem in it is a service problem, reported at services.
			return !declared && (strings.HasPrefix(path, "metrics[") || strings.HasPrefix(path, "searches["))
		})
	}
}
