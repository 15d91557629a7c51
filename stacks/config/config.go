// Package config reads and validates the platform config file that drives
// the o11yscale app: which regions, which services, and one section per
// capability. Every problem is reported at once, naming the file, the field
// path, the bad value and what is allowed, before anything is synthesized.
package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultSource names the embedded default in error messages.
const DefaultSource = "<embedded default platform>"

// Platform is the whole platform config.
type Platform struct {
	// Name prefixes stack names and deterministic resource names.
	// Default: "o11yscale". Lowercase letters, digits and hyphens, 1-20.
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Account is the 12-digit AWS account to deploy to. Default: the
	// "account" CDK context value, then CDK_DEFAULT_ACCOUNT, then an
	// environment-agnostic template (synth needs no credentials).
	Account string `yaml:"account,omitempty" json:"account,omitempty"`
	// CentralRegion holds the aggregation stack. Default: us-east-1.
	CentralRegion string `yaml:"centralRegion,omitempty" json:"centralRegion,omitempty"`
	// Regions are the workload regions; one regional stack each. Required.
	Regions []string `yaml:"regions" json:"regions"`
	// Services are the workloads observed in every region. Required.
	Services []Service `yaml:"services" json:"services"`
	// ServicesPerShard is how many services share one nested stack, which
	// keeps every template under CloudFormation's 500-resource limit.
	// Default: 20. Range 1-100.
	ServicesPerShard int `yaml:"servicesPerShard,omitempty" json:"servicesPerShard,omitempty"`
	// Tags are applied to every resource.
	Tags map[string]string `yaml:"tags,omitempty" json:"tags,omitempty"`

	// Sampling configures X-Ray sampling rules, groups and the OpenTelemetry
	// tail-sampling collector config. Default: the seed's rule table, in an
	// order where no rule hides another.
	Sampling sampling.Props `yaml:"sampling,omitempty" json:"sampling,omitempty"`
	// Logs configures the tiered log pipeline of every service.
	Logs Logs `yaml:"logs,omitempty" json:"logs,omitempty"`
	// Alarms configures anomaly detection and alerting: per-region topics
	// and the enrichment Lambda, and per-service alarms.
	Alarms Alarms `yaml:"alarms,omitempty" json:"alarms,omitempty"`
	// Metrics configures cross-region metric aggregation.
	Metrics Metrics `yaml:"metrics,omitempty" json:"metrics,omitempty"`
	// Grafana configures Managed Grafana and the CloudWatch dashboard
	// fallback. Regions, services and the central region come from the
	// platform. Default mode: cloudwatch (Grafana with AWS_SSO needs IAM
	// Identity Center; set mode: both once it is enabled).
	Grafana grafana.Props `yaml:"grafana,omitempty" json:"grafana,omitempty"`
	// Cost declares volumes and prices for the synth-time cost report and
	// the budget guard. Default (embedded platform only): the seed-like
	// volumes of cost.DefaultConfig.
	Cost *cost.Config `yaml:"cost,omitempty" json:"cost,omitempty"`
	// Billing configures the EstimatedCharges alarm and the AWS Budgets
	// budget for the observability services (in us-east-1).
	Billing Billing `yaml:"billing,omitempty" json:"billing,omitempty"`
}

// Billing wraps the billing alarm settings.
type Billing struct {
	// Disabled skips the billing alarm and budget. Default: false.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// MonthlyUSD defaults to cost.budget.monthlyUSD, then to the declared
	// cost estimate plus 25%.
	governance.BillingProps `yaml:",inline" json:",inline"`
}

// Logs configures the tiered log pipeline: the same tiers for every
// service, one archive per region, and the retention guard over the app.
type Logs struct {
	// Service is applied to every service (its service field is set per
	// service). Default: ERROR 30 days and WARN 7 days in CloudWatch, INFO
	// to S3 through Firehose, DEBUG dropped.
	Service logtiers.ServiceLogsProps `yaml:",inline" json:",inline"`
	// Archive is the per-region S3 archive and Firehose.
	Archive logtiers.ArchiveProps `yaml:"archive,omitempty" json:"archive,omitempty"`
	// Retention is the guard applied to every log group of the app.
	// Default: strict, a never-expiring log group stops synth.
	Retention logtiers.RetentionGuardProps `yaml:"retention,omitempty" json:"retention,omitempty"`
	// ForwardTiers are the tiers the log router forwards to the archive
	// Firehose. Default: ERROR (plus any event with status >= 500).
	ForwardTiers []string `yaml:"forwardTiers,omitempty" json:"forwardTiers,omitempty"`
}

// Alarms configures alerting (once per region) and alarms (every service).
type Alarms struct {
	// Alerting: topics, subscriptions, the enricher and the EMF
	// cardinality budget.
	Alerting anomaly.AlertingProps `yaml:"alerting,omitempty" json:"alerting,omitempty"`
	// Service is applied to every service: anomaly band alarms (default:
	// latency and error rate, plus API Gateway Latency for services with
	// an apiName), the static error-rate alarm and the composite alarm.
	Service anomaly.ServiceAlarmsProps `yaml:",inline" json:",inline"`
}

// Metrics configures the central stream and, per region, how metrics get
// there.
type Metrics struct {
	Central   metricstream.CentralProps   `yaml:"central,omitempty" json:"central,omitempty"`
	Forwarder metricstream.ForwarderProps `yaml:"forwarder,omitempty" json:"forwarder,omitempty"`
	Stream    metricstream.StreamProps    `yaml:"stream,omitempty" json:"stream,omitempty"`
	// Regions picks, per workload region, "forwarder" (default), "stream"
	// or "both".
	Regions map[string]string `yaml:"regions,omitempty" json:"regions,omitempty"`
}

// Metric delivery modes per region.
const (
	DeliverForwarder = "forwarder"
	DeliverStream    = "stream"
	DeliverBoth      = "both"
)

// Delivery returns the metric delivery mode of a region.
func (m Metrics) Delivery(region string) string {
	if d := m.Regions[region]; d != "" {
		return d
	}
	return DeliverForwarder
}

// Service is one observed workload.
type Service struct {
	// Name, lowercase letters, digits and hyphens, 1-40 characters.
	Name string `yaml:"name" json:"name"`
	// ApiName is the API Gateway API name, if the service has one.
	ApiName string `yaml:"apiName,omitempty" json:"apiName,omitempty"`
}

var (
	nameRE    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
	platRE    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	regionRE  = regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)(-gov)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[1-9]$`)
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	tagKeyRE  = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)
)

// Default returns the embedded default platform, modelled on the seed.
func Default() *Platform {
	p, err := parse(DefaultSource, defaultYAML, func(p *Platform) {
		if p.Cost == nil {
			c := cost.DefaultConfig()
			p.Cost = &c
		}
	})
	if err != nil {
		panic(fmt.Sprintf("embedded default config is invalid: %v", err))
	}
	return p
}

// Load reads, parses and validates a platform config file (YAML or JSON).
func Load(path string) (*Platform, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read platform config: %w", path, err)
	}
	return Parse(path, b)
}

// Parse decodes and validates a config document; source names it in
// errors. Unknown fields are errors, so a typo never silently falls back to
// a default. JSON is accepted because it is YAML.
func Parse(source string, data []byte) (*Platform, error) {
	return parse(source, data, nil)
}

func parse(source string, data []byte, defaults func(*Platform)) (*Platform, error) {
	var p Platform
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			lines := make([]string, len(te.Errors))
			for i, e := range te.Errors {
				lines[i] = source + ": " + e
			}
			return nil, errors.New(strings.Join(lines, "\n"))
		}
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	p.applyDefaults()
	if defaults != nil {
		defaults(&p)
	}
	if err := p.Validate(); err != nil {
		return nil, withSource(source, err)
	}
	return &p, nil
}

func withSource(source string, err error) error {
	fields := validation.Fields(err)
	lines := make([]string, len(fields))
	for i, fe := range fields {
		lines[i] = source + ": " + fe.Error()
	}
	return fmt.Errorf("%d problem(s) in platform config:\n%s", len(lines), strings.Join(lines, "\n"))
}

func (p *Platform) applyDefaults() {
	if p.Name == "" {
		p.Name = "o11yscale"
	}
	if p.CentralRegion == "" {
		p.CentralRegion = "us-east-1"
	}
	if p.ServicesPerShard == 0 {
		p.ServicesPerShard = 20
	}
}

// Validate checks every field and returns all problems at once.
func (p *Platform) Validate() error {
	var v validation.Errors
	if !platRE.MatchString(p.Name) {
		v.Add("name", p.Name, "lowercase letters, digits and hyphens, starting with a letter, 1-20 characters")
	}
	if p.Account != "" && !accountRE.MatchString(p.Account) {
		v.Add("account", p.Account, "a 12-digit AWS account id")
	}
	if !regionRE.MatchString(p.CentralRegion) {
		v.Add("centralRegion", p.CentralRegion, "an AWS region code such as us-east-1")
	}
	if len(p.Regions) == 0 {
		v.Add("regions", nil, "at least one workload region, e.g. [us-east-1, eu-west-1]")
	}
	seenRegion := map[string]bool{}
	for i, r := range p.Regions {
		path := validation.Index("regions", i)
		switch {
		case !regionRE.MatchString(r):
			v.Add(path, r, "an AWS region code such as eu-west-1")
		case seenRegion[r]:
			v.Add(path, r, "each region once")
		}
		seenRegion[r] = true
	}
	if len(p.Services) == 0 {
		v.Add("services", nil, "at least one service")
	}
	seenSvc := map[string]bool{}
	for i, s := range p.Services {
		path := validation.Index("services", i) + ".name"
		switch {
		case !nameRE.MatchString(s.Name):
			v.Add(path, s.Name, "lowercase letters, digits and hyphens, starting with a letter, 1-40 characters")
		case seenSvc[s.Name]:
			v.Add(path, s.Name, "a name not used by another service")
		}
		seenSvc[s.Name] = true
		if len(s.ApiName) > 128 {
			v.Add(validation.Index("services", i)+".apiName", s.ApiName, "at most 128 characters")
		}
	}
	if p.ServicesPerShard < 1 || p.ServicesPerShard > 100 {
		v.Add("servicesPerShard", p.ServicesPerShard, "1-100 services per nested stack")
	}
	for k, val := range p.Tags {
		if !tagKeyRE.MatchString(k) || strings.HasPrefix(strings.ToLower(k), "aws:") {
			v.Add(validation.Key("tags", k), k, "a tag key of 1-128 letters, digits, spaces or _.:/=+-@, not starting with aws:")
		}
		if len(val) > 256 {
			v.Add(validation.Key("tags", k), val, "a tag value of at most 256 characters")
		}
	}
	v.Merge("sampling", p.Sampling.Validate())
	if p.Logs.Service.Service != "" {
		v.Add("logs.service", p.Logs.Service.Service, "empty: the service name is set per service")
	}
	if len(p.Services) > 0 {
		svc := p.Logs.Service
		svc.Service = p.Services[0].Name
		v.Merge("logs", svc.Validate())
	}
	v.Merge("logs.archive", p.Logs.Archive.Validate())
	v.Merge("logs.retention", p.Logs.Retention.Validate())
	for i, t := range p.Logs.ForwardTiers {
		if t != "ERROR" && t != "WARN" && t != "INFO" && t != "DEBUG" {
			v.Add(validation.Index("logs.forwardTiers", i), t, "ERROR, WARN, INFO or DEBUG")
		}
	}
	alerting := p.Alarms.Alerting
	alerting.Name = p.Name
	v.Merge("alarms.alerting", alerting.Validate())
	v.Merge("alarms", p.AlarmProps(Service{Name: "service"}).Validate())
	v.Merge("metrics.central", p.Metrics.Central.Validate())
	v.Merge("metrics.stream", p.Metrics.Stream.Validate())
	// Without declared metrics the stacks derive a set from the services.
	if f := p.Metrics.Forwarder; len(f.Metrics) > 0 || len(f.Searches) > 0 {
		v.Merge("metrics.forwarder", f.Validate())
	}
	for r, mode := range p.Metrics.Regions {
		if !seenRegion[r] {
			v.Add(validation.Key("metrics.regions", r), r, "one of the workload regions %v", p.Regions)
		}
		if mode != DeliverForwarder && mode != DeliverStream && mode != DeliverBoth {
			v.Add(validation.Key("metrics.regions", r), mode, "forwarder, stream or both")
		}
	}
	if p.Cost != nil {
		v.Merge("cost", p.Cost.Validate())
	}
	g := p.Grafana
	for field, set := range map[string]bool{"centralRegion": g.CentralRegion != "", "regions": len(g.Regions) > 0, "services": len(g.Services) > 0} {
		if set {
			v.Add("grafana."+field, field, "unset: it comes from the platform's own %s", field)
		}
	}
	// Regions and services are reported once, at their own paths above.
	for _, fe := range validation.Fields(p.GrafanaProps().Validate()) {
		if !strings.HasPrefix(fe.Path, "regions") && !strings.HasPrefix(fe.Path, "services") && !strings.HasPrefix(fe.Path, "centralRegion") {
			v.Add(validation.Join("grafana", fe.Path), fe.Value, fe.Allowed)
		}
	}
	if b := p.Billing; !b.Disabled {
		derivable := p.Cost != nil && (p.Cost.Budget.MonthlyUSD > 0 || len(p.Cost.Volumes.Services) > 0)
		if b.MonthlyUSD == 0 && !derivable {
			v.Add("billing.monthlyUsd", 0, "a monthly USD threshold for the billing alarm and budget; or declare cost.volumes or cost.budget to derive it from, or set billing.disabled: true")
		}
		if b.MonthlyUSD == 0 {
			b.MonthlyUSD = 1 // derived later; validate the other fields
		}
		v.Merge("billing", b.BillingProps.Validate())
	}
	return v.Err()
}

// GrafanaProps returns the grafana section with the platform's regions,
// services, API and stream names filled in.
func (p *Platform) GrafanaProps() grafana.Props {
	g := p.Grafana
	g.CentralRegion, g.Regions, g.Services = p.CentralRegion, p.Regions, p.ServiceNames()
	if g.APIName == "" {
		for _, s := range p.Services {
			if s.ApiName != "" {
				g.APIName = s.ApiName
				break
			}
		}
	}
	if g.CentralStreamName == "" {
		g.CentralStreamName = metricstream.Names{Platform: p.Name}.Stream()
	}
	if g.WorkspaceName == "" {
		g.WorkspaceName = p.Name
	}
	return g
}

// AlarmProps returns the alarms section for one service, with the
// platform's names and the cardinality budget's service and region counts.
func (p *Platform) AlarmProps(svc Service) anomaly.ServiceAlarmsProps {
	a := p.Alarms.Service
	a.Name, a.Service, a.APIName = p.Name, svc.Name, svc.ApiName
	a.Budget.Services, a.Budget.Regions = len(p.Services), len(p.Regions)
	return a
}

// ServiceNames lists the service names in config order.
func (p *Platform) ServiceNames() []string {
	out := make([]string, len(p.Services))
	for i, s := range p.Services {
		out[i] = s.Name
	}
	return out
}

// Shards splits the services into groups of at most ServicesPerShard, in
// config order, so adding a service at the end never moves others between
// nested stacks (which would replace their resources).
func (p *Platform) Shards() [][]Service {
	var out [][]Service
	for i := 0; i < len(p.Services); i += p.ServicesPerShard {
		end := min(i+p.ServicesPerShard, len(p.Services))
		out = append(out, p.Services[i:end])
	}
	return out
}
