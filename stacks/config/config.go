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
	"reflect"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
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
	// Regions are the workload regions; one regional stack each. Required,
	// unless accounts are configured (each account has its own).
	Regions []string `yaml:"regions,omitempty" json:"regions,omitempty"`
	// Services are the workloads observed in every region. Required,
	// unless accounts are configured (each account has its own).
	Services []Service `yaml:"services,omitempty" json:"services,omitempty"`
	// ServicesPerShard is how many services share one nested stack, which
	// keeps every template under CloudFormation's 500-resource limit.
	// Default: 20. Range 1-100.
	ServicesPerShard int `yaml:"servicesPerShard,omitempty" json:"servicesPerShard,omitempty"`
	// Tags are applied to every resource.
	Tags map[string]string `yaml:"tags,omitempty" json:"tags,omitempty"`

	// Sampling configures X-Ray sampling rules, groups and the OpenTelemetry
	// tail-sampling collector config. Default: the seed's rule table, in an
	// order where no rule hides another.
	Sampling Sampling `yaml:"sampling,omitempty" json:"sampling,omitempty"`
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
	Grafana Grafana `yaml:"grafana,omitempty" json:"grafana,omitempty"`
	// Cost declares traffic, prices and assumptions for the synth-time cost
	// report and the budget guard; the rest of the estimate derives from
	// the other sections. Default: none, and the report prices assumed
	// traffic (labelled); the embedded platform's is cost.DefaultInputs.
	Cost *Cost `yaml:"cost,omitempty" json:"cost,omitempty"`
	// Billing configures the EstimatedCharges alarm and the AWS Budgets
	// budget for the observability services (in us-east-1).
	Billing Billing `yaml:"billing,omitempty" json:"billing,omitempty"`
	// Quotas raises adjustable AWS service quotas that synth checks, for
	// accounts with an approved increase.
	Quotas Quotas `yaml:"quotas,omitempty" json:"quotas,omitempty"`

	// Monitoring is the monitoring account of an organization platform
	// (with accounts): it replaces account and centralRegion. Default:
	// none, a single-account platform.
	Monitoring *Monitoring `yaml:"monitoring,omitempty" json:"monitoring,omitempty"`
	// Accounts are the workload accounts of an organization platform, each
	// with a name, an id, its regions and its services; they replace
	// regions and services. Default: none.
	Accounts []Account `yaml:"accounts,omitempty" json:"accounts,omitempty"`
}

// Service is one observed workload.
type Service struct {
	// Name, lowercase letters, digits and hyphens, 1-40 characters.
	Name string `yaml:"name" json:"name"`
	// ApiName is the API Gateway API name, if the service has one.
	ApiName string `yaml:"apiName,omitempty" json:"apiName,omitempty"`
	// SLOs are the service's Application Signals SLOs with multi-window
	// burn-rate alerts, in every region. Default: none.
	SLOs []SLO `yaml:"slos,omitempty" json:"slos,omitempty"`
}

var (
	platRE   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	regionRE = regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)(-gov)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[1-9]$`)
)

// Default returns the embedded default platform, modelled on the seed.
func Default() *Platform {
	p, err := parse(DefaultSource, defaultYAML, func(p *Platform) {
		if p.Cost == nil {
			p.Cost = costBlock(cost.DefaultInputs())
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
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	if problems := checkShape(&doc, reflect.TypeFor[Platform]()); len(problems) > 0 {
		for i := range problems {
			problems[i] = source + ": " + problems[i]
		}
		return nil, fmt.Errorf("%d problem(s) in platform config:\n%s", len(problems), strings.Join(problems, "\n"))
	}
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
	// An organization platform's central region is monitoring.region.
	if p.CentralRegion == "" && !p.Org() {
		p.CentralRegion = "us-east-1"
	}
	if p.ServicesPerShard == 0 {
		p.ServicesPerShard = 20
	}
}

// Validate checks every field and returns all problems at once.
func (p *Platform) Validate() error {
	var v validation.Errors
	if p.Monitoring != nil && !p.Org() {
		v.Add("accounts", nil, "at least one workload account {name, id, regions, services} when monitoring is set")
		return v.Err()
	}
	// The platform construct checks its own fields with the same paths.
	v.Merge("", p.Props(p.Account).ValidatePlatform())
	// The capabilities built from them are checked as complete props only
	// once those are valid.
	platformOK := v.Len() == 0
	// A bad platform value (a service's name, the platform name) reappears
	// in the capabilities built from it; it is reported once, at its own
	// path.
	bad := map[string]bool{}
	for _, fe := range validation.Fields(v.Err()) {
		if s, ok := fe.Value.(string); ok {
			bad[s] = true
		}
	}
	var c validation.Errors
	if !platformOK && p.Org() {
		// The union of the accounts is not meaningful yet; each account's
		// services' SLOs are checked on their own.
		p.validateServiceSLOs(&c)
		mergeExcept(&v, c.Err(), bad)
		return v.Err()
	}
	e := p.effective()
	e.validateSampling(&c)
	e.validateLogs(&c)
	e.validateAlarms(&c)
	e.validateSLOs(&c)
	e.validateMetrics(&c)
	e.validateCost(&c)
	e.validateGrafana(&c, platformOK)
	e.validateBilling(&c)
	c.Merge("quotas", e.Quotas.QuotasProps().Validate())
	mergeExcept(&v, c.Err(), bad)
	return v.Err()
}

// mergeExcept adds err's problems to v, except those whose value is a bad
// platform value (already reported at its own path).
func mergeExcept(v *validation.Errors, err error, bad map[string]bool) {
	for _, fe := range validation.Fields(err) {
		if s, ok := fe.Value.(string); ok && bad[s] {
			continue
		}
		v.Add(fe.Path, fe.Value, "%s", fe.Allowed)
	}
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
