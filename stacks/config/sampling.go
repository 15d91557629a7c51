package config

import (
	"time"

	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Sampling is the sampling: section: X-Ray sampling rules, groups and the
// OpenTelemetry tail-sampling collector config. Each field maps to the
// sampling.Props field of the same name; defaults and limits are
// documented there.
type Sampling struct {
	// Rules is the X-Ray sampling rule table. Default: the seed's rule
	// table (sampling.DefaultRules), in an order where no rule hides
	// another.
	Rules []SamplingRule `yaml:"rules,omitempty" json:"rules,omitempty"`
	// SlowThreshold marks a request as slow, e.g. 2s or 1500ms. Default:
	// 2s.
	SlowThreshold time.Duration `yaml:"slowThreshold,omitempty" json:"slowThreshold,omitempty"`
	// Groups configures the X-Ray groups.
	Groups SamplingGroups `yaml:"groups,omitempty" json:"groups,omitempty"`
	// TailSampling configures the OpenTelemetry tail-sampling collector.
	TailSampling TailSampling `yaml:"tailSampling,omitempty" json:"tailSampling,omitempty"`
	// TransactionSearch configures X-Ray Transaction Search in each
	// workload region (sampling.TransactionSearchProps). On by default:
	// the X-Ray OTLP endpoint needs it.
	TransactionSearch TransactionSearch `yaml:"transactionSearch,omitempty" json:"transactionSearch,omitempty"`
}

// TransactionSearch is sampling.TransactionSearchProps.
type TransactionSearch struct {
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// IndexingPercentage of spans indexed as trace summaries, above 0 and
	// at most 100. Default: 1 (the free share).
	IndexingPercentage float64 `yaml:"indexingPercentage,omitempty" json:"indexingPercentage,omitempty"`
	// RetentionDays of aws/spans and /aws/application-signals/data.
	// Default: 30.
	RetentionDays int `yaml:"retentionDays,omitempty" json:"retentionDays,omitempty"`
	// PolicyName of X-Ray's CloudWatch Logs resource policy. Default:
	// "<name>-TransactionSearch".
	PolicyName string `yaml:"policyName,omitempty" json:"policyName,omitempty"`
}

// SamplingRule is one row of the rule table (sampling.Rule).
type SamplingRule struct {
	Name          string            `yaml:"name,omitempty" json:"name,omitempty"`
	ServiceName   string            `yaml:"serviceName,omitempty" json:"serviceName,omitempty"`
	ServiceType   string            `yaml:"serviceType,omitempty" json:"serviceType,omitempty"`
	Host          string            `yaml:"host,omitempty" json:"host,omitempty"`
	HTTPMethod    string            `yaml:"httpMethod,omitempty" json:"httpMethod,omitempty"`
	URLPath       string            `yaml:"urlPath,omitempty" json:"urlPath,omitempty"`
	ResourceARN   string            `yaml:"resourceArn,omitempty" json:"resourceArn,omitempty"`
	Attributes    map[string]string `yaml:"attributes,omitempty" json:"attributes,omitempty"`
	Priority      int               `yaml:"priority,omitempty" json:"priority,omitempty"`
	FixedRate     float64           `yaml:"fixedRate,omitempty" json:"fixedRate,omitempty"`
	ReservoirSize int               `yaml:"reservoirSize,omitempty" json:"reservoirSize,omitempty"`
	// Boost, when present, enables X-Ray adaptive sampling; maxRate is
	// then required. Default: no boost.
	Boost *SamplingBoost `yaml:"boost,omitempty" json:"boost,omitempty"`
}

// SamplingBoost is a rule's adaptive boost (sampling.Boost).
type SamplingBoost struct {
	MaxRate               float64 `yaml:"maxRate,omitempty" json:"maxRate,omitempty"`
	CooldownWindowMinutes int     `yaml:"cooldownWindowMinutes,omitempty" json:"cooldownWindowMinutes,omitempty"`
}

// SamplingGroups configures the X-Ray groups (sampling.GroupsProps).
type SamplingGroups struct {
	Disabled   bool   `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	NamePrefix string `yaml:"namePrefix,omitempty" json:"namePrefix,omitempty"`
	// Services get one group each. Default: none; per-service groups are
	// opt-in because X-Ray allows 25 groups per account and region, not
	// adjustable (the errors and slow groups use two).
	Services      []string `yaml:"services,omitempty" json:"services,omitempty"`
	Insights      bool     `yaml:"insights,omitempty" json:"insights,omitempty"`
	Notifications bool     `yaml:"notifications,omitempty" json:"notifications,omitempty"`
}

// TailSampling configures the collector configuration
// (sampling.TailSamplingProps).
type TailSampling struct {
	Disabled        bool          `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	BaselinePercent float64       `yaml:"baselinePercent,omitempty" json:"baselinePercent,omitempty"`
	DecisionWait    time.Duration `yaml:"decisionWait,omitempty" json:"decisionWait,omitempty"`
	NumTraces       int           `yaml:"numTraces,omitempty" json:"numTraces,omitempty"`
	ReceiverHost    string        `yaml:"receiverHost,omitempty" json:"receiverHost,omitempty"`
	ParameterName   string        `yaml:"parameterName,omitempty" json:"parameterName,omitempty"`
	// Exporter is "otlp" (otlphttp to the region's X-Ray OTLP endpoint,
	// SigV4-signed) or "xray-legacy" (the awsxray exporter). Default:
	// "otlp".
	Exporter sampling.Exporter `yaml:"exporter,omitempty" json:"exporter,omitempty"`
	// Logs sends the logs the collector receives to the CloudWatch Logs
	// OTLP endpoint. Default: no logs pipeline.
	Logs CollectorLogs `yaml:"logs,omitempty" json:"logs,omitempty"`
}

// CollectorLogs is sampling.LogsExportProps.
type CollectorLogs struct {
	Enabled bool `yaml:"enabled,omitempty" json:"enabled,omitempty"`
	// LogGroupName is one of the platform's tiered log groups,
	// "<logGroupPrefix>/<service>/<tier>" such as
	// "/o11yscale/checkout-api/warn"; required when enabled.
	LogGroupName string `yaml:"logGroupName,omitempty" json:"logGroupName,omitempty"`
	// LogStreamName must exist in the group. Default: "otel-collector".
	LogStreamName string `yaml:"logStreamName,omitempty" json:"logStreamName,omitempty"`
}

// SamplingProps maps the sampling section to complete construct props for
// this platform: its name, and one X-Ray group per service listed in
// groups.services.
func (p *Platform) SamplingProps() sampling.Props {
	s := p.Sampling
	out := sampling.Props{
		Name:          p.Name,
		SlowThreshold: s.SlowThreshold,
		Groups: sampling.GroupsProps{
			Disabled:      s.Groups.Disabled,
			NamePrefix:    s.Groups.NamePrefix,
			Services:      s.Groups.Services,
			Insights:      s.Groups.Insights,
			Notifications: s.Groups.Notifications,
		},
		TailSampling: sampling.TailSamplingProps{
			Disabled:        s.TailSampling.Disabled,
			BaselinePercent: s.TailSampling.BaselinePercent,
			DecisionWait:    s.TailSampling.DecisionWait,
			NumTraces:       s.TailSampling.NumTraces,
			ReceiverHost:    s.TailSampling.ReceiverHost,
			ParameterName:   s.TailSampling.ParameterName,
			Exporter:        s.TailSampling.Exporter,
			Logs: sampling.LogsExportProps{
				Enabled:       s.TailSampling.Logs.Enabled,
				LogGroupName:  s.TailSampling.Logs.LogGroupName,
				LogStreamName: s.TailSampling.Logs.LogStreamName,
			},
		},
		TransactionSearch: sampling.TransactionSearchProps{
			Disabled:           s.TransactionSearch.Disabled,
			IndexingPercentage: s.TransactionSearch.IndexingPercentage,
			RetentionDays:      s.TransactionSearch.RetentionDays,
			PolicyName:         s.TransactionSearch.PolicyName,
		},
	}
	for _, r := range s.Rules {
		rule := sampling.Rule{
			Name:          r.Name,
			ServiceName:   r.ServiceName,
			ServiceType:   r.ServiceType,
			Host:          r.Host,
			HTTPMethod:    r.HTTPMethod,
			URLPath:       r.URLPath,
			ResourceARN:   r.ResourceARN,
			Attributes:    r.Attributes,
			Priority:      r.Priority,
			FixedRate:     r.FixedRate,
			ReservoirSize: r.ReservoirSize,
		}
		if r.Boost != nil {
			rule.Boost = sampling.Boost{MaxRate: r.Boost.MaxRate, CooldownWindowMinutes: r.Boost.CooldownWindowMinutes}
		}
		out.Rules = append(out.Rules, rule)
	}
	return out
}

// validateSampling checks what only the config can see, then the complete
// props for this platform, under "sampling".
func (p *Platform) validateSampling(v *validation.Errors) {
	for i, r := range p.Sampling.Rules {
		// An empty boost ({}) maps to the zero sampling.Boost, which means
		// no boost, so the props cannot report its missing maxRate; the
		// words are those sampling.Props.Validate uses for a bad maxRate.
		if r.Boost != nil && *r.Boost == (SamplingBoost{}) {
			v.Add(validation.Join("sampling", validation.Index("rules", i), "boost.maxRate"), 0.0,
				"above the rule's fixedRate (%g) and at most 1", r.FixedRate)
		}
	}
	sp := p.SamplingProps()
	v.Merge("sampling", sp.Validate())
	v.Merge("sampling", platform.ValidateCollectorLogGroup(sp.TailSampling.Logs, p.logGroupPrefix(), p.ServiceNames()))
}
