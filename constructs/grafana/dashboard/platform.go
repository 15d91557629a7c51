// Package dashboard renders the platform's Grafana dashboards (and the
// CloudWatch fallback dashboard) from plain Go values. It imports no CDK, so
// the CDK construct and the provisioning Lambda share one generator and the
// content that is reviewed in cdk.out is the content that gets provisioned.
//
// Platform and ServiceMetrics are plain inputs without tags. The json tags
// in this package belong to wire formats only: the structs of model.go are
// Grafana's dashboard JSON model, and the provisioner's properties
// (contract.Platform, DataSource, Folder) live in
// lambdas/grafanaprovisioner/contract.
package dashboard

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/internal/naming"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
)

// Defaults for Platform fields left at their zero value.
const (
	DefaultAPIName = "checkout-api"
	// DefaultName is the platform name Name defaults to.
	DefaultName = "o11yscale"
	// DefaultLogGroupPrefix is the LogGroupPrefix of the default name.
	DefaultLogGroupPrefix = "/" + DefaultName
	// DefaultPipelineNamespace is the PipelineNamespace of the default name.
	DefaultPipelineNamespace = "O11yscale/Pipeline"
)

// DefaultLogTiers are the tiers whose logs land in CloudWatch Logs by
// default: INFO goes straight to S3 and DEBUG is dropped, so neither has a
// log group whose IncomingBytes could be graphed.
var DefaultLogTiers = []string{"ERROR", "WARN"}

// Tiers lists every known log tier, in routing order.
var Tiers = []string{"ERROR", "WARN", "INFO", "DEBUG"}

// Platform is the input every dashboard is generated from. The
// provisioner receives it as JSON in its wire form, contract.Platform (see
// Contract and FromContract).
type Platform struct {
	// Name is the platform name: 1-20 lowercase letters, digits, '-' or
	// '_', so that the dashboard uids derived from it stay within
	// Grafana's 40 characters. The dashboard uids and folders start with
	// it, every dashboard is tagged with it and links to the others by that
	// tag, and the default LogGroupPrefix derives from it. Default:
	// "o11yscale" (DefaultName).
	Name string
	// CentralRegion holds the central Kinesis stream and Firehose.
	// Default: the first workload region.
	CentralRegion string
	// Regions are the workload regions, in display order. Required.
	Regions []string
	// Services get one RED dashboard each. Required.
	Services []string
	// APIName is the API Gateway ApiName graphed on Global API Performance.
	// Default: "checkout-api" (the seed's API).
	APIName string
	// LogTiers are the tiers stored in CloudWatch Logs, graphed as incoming
	// bytes. Default: ERROR, WARN.
	LogTiers []string
	// LogGroupPrefix starts every tier log group name:
	// <prefix>/<service>/<tier lowercase>. Default: "/<Name>", e.g.
	// "/o11yscale".
	LogGroupPrefix string
	// ServiceMetrics says where each service's RED metrics live.
	// Default: AWS/Lambda Invocations, Errors and Duration by FunctionName.
	ServiceMetrics ServiceMetrics
	// PipelineNamespace holds the pipeline Lambdas' EMF self-metrics.
	// Default: "<Name>/Pipeline" with the name's first letter in upper
	// case, e.g. "O11yscale/Pipeline", where the pipeline Lambdas of the
	// platform write them (their METRIC_NAMESPACE).
	PipelineNamespace string
	// CentralStreamName is the central Kinesis stream.
	// Default: every stream in the central region ("*").
	CentralStreamName string
	// DeliveryStreamName is the Firehose delivering the central stream to S3.
	// Default: every delivery stream in the central region ("*").
	DeliveryStreamName string
	// Analysis is the analysis tier's collection in every workload region.
	// Default: off (no OpenSearch data source, no errors panels).
	Analysis Analysis
	// SLOs are the services' Application Signals SLOs; with any, the SLO
	// dashboard (SLOOverview) and the CloudWatch dashboard get a row per
	// service with SLOs. Default: none, and no SLO dashboard.
	SLOs []SLO
}

// ServiceMetrics names the CloudWatch metrics behind a RED dashboard. The
// dimension's value is the service name.
type ServiceMetrics struct {
	// Namespace. Default: "AWS/Lambda".
	Namespace string
	// Dimension. Default: "FunctionName".
	Dimension string
	// Requests is summed for the rate. Default: "Invocations".
	Requests string
	// Errors is summed for the error count. Default: "Errors".
	Errors string
	// Duration is shown as p50/p90/p99, in milliseconds. Default: "Duration".
	Duration string
}

var (
	regionPattern  = regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso|-isob)?-(central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9][0-9]?$`)
	servicePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
	apiNamePattern = regexp.MustCompile(`^[^'"\\\x00-\x1f]{1,128}$`)
	namePattern    = regexp.MustCompile(`^[A-Za-z0-9._/#:-]{1,256}$`)
	nameRE         = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,19}$`)
	prefixPattern  = regexp.MustCompile(`^(/[A-Za-z0-9._#-]+)+$`)
)

// WithDefaults returns p with every zero field set to its documented default.
func (p Platform) WithDefaults() Platform {
	if p.CentralRegion == "" && len(p.Regions) > 0 {
		p.CentralRegion = p.Regions[0]
	}
	if p.APIName == "" {
		p.APIName = DefaultAPIName
	}
	if len(p.LogTiers) == 0 {
		p.LogTiers = slices.Clone(DefaultLogTiers)
	}
	if p.Name == "" {
		p.Name = DefaultName
	}
	if p.LogGroupPrefix == "" {
		p.LogGroupPrefix = "/" + p.Name
	}
	if p.PipelineNamespace == "" {
		p.PipelineNamespace = naming.PipelineNamespace(p.Name)
	}
	p.Analysis = p.Analysis.withDefaults()
	m := &p.ServiceMetrics
	m.Namespace = or(m.Namespace, "AWS/Lambda")
	m.Dimension = or(m.Dimension, "FunctionName")
	m.Requests = or(m.Requests, "Invocations")
	m.Errors = or(m.Errors, "Errors")
	m.Duration = or(m.Duration, "Duration")
	return p
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Validate reports every invalid field at once. Paths are the fields'
// lowerCamel names (regions[1], serviceMetrics.namespace), which the
// platform config's YAML keys match.
func (p Platform) Validate() error {
	var v validation.Errors
	if p.Name != "" && !nameRE.MatchString(p.Name) {
		v.Add("name", p.Name, "1-20 lowercase letters, digits, '-' or '_', starting with a letter or digit (empty for the default)")
	}
	if len(p.Regions) == 0 {
		v.Add("regions", nil, "at least one workload region, e.g. [us-east-1, eu-west-1]")
	}
	checkEach(&v, "regions", p.Regions, regionPattern.MatchString, "an AWS region code such as us-east-1", "each region once")
	if p.CentralRegion != "" && !regionPattern.MatchString(p.CentralRegion) {
		v.Add("centralRegion", p.CentralRegion, "an AWS region code such as us-east-1 (default: the first workload region)")
	}
	if len(p.Services) == 0 {
		v.Add("services", nil, "at least one service name")
	}
	checkEach(&v, "services", p.Services, servicePattern.MatchString,
		"1-64 letters, digits, '-' or '_', starting with a letter or digit", "each service once")
	if p.APIName != "" && !apiNamePattern.MatchString(p.APIName) {
		v.Add("apiName", p.APIName, "1-128 characters without quotes, backslashes or control characters")
	}
	checkEach(&v, "logTiers", p.LogTiers, func(t string) bool { return slices.Contains(Tiers, t) },
		"one of "+strings.Join(Tiers, ", "), "each tier once")
	if p.LogGroupPrefix != "" && !prefixPattern.MatchString(p.LogGroupPrefix) {
		v.Add("logGroupPrefix", p.LogGroupPrefix, "a log group path such as /o11yscale, starting with '/' and without a trailing '/'")
	}
	for _, f := range []struct{ path, value string }{
		{"pipelineNamespace", p.PipelineNamespace},
		{"centralStreamName", p.CentralStreamName},
		{"deliveryStreamName", p.DeliveryStreamName},
		{"serviceMetrics.namespace", p.ServiceMetrics.Namespace},
		{"serviceMetrics.dimension", p.ServiceMetrics.Dimension},
		{"serviceMetrics.requests", p.ServiceMetrics.Requests},
		{"serviceMetrics.errors", p.ServiceMetrics.Errors},
		{"serviceMetrics.duration", p.ServiceMetrics.Duration},
	} {
		if f.value != "" && !namePattern.MatchString(f.value) {
			v.Add(f.path, f.value, "1-256 letters, digits or . _ / # : - (empty for the default)")
		}
	}
	p.Analysis.validate(&v, p.Regions)
	validateSLOs(&v, p)
	return v.Err()
}

// checkEach reports every value of list that is invalid or repeated.
func checkEach(v *validation.Errors, path string, list []string, valid func(string) bool, allowed, once string) {
	seen := map[string]bool{}
	for i, s := range list {
		switch {
		case !valid(s):
			v.Add(validation.Index(path, i), s, allowed)
		case seen[s]:
			v.Add(validation.Index(path, i), s, once)
		}
		seen[s] = true
	}
}

// Contract is p in the wire form the provisioner decodes.
func (p Platform) Contract() contract.Platform {
	m := p.ServiceMetrics
	return contract.Platform{
		Name: p.Name, CentralRegion: p.CentralRegion, Regions: p.Regions, Services: p.Services, APIName: p.APIName,
		LogTiers: p.LogTiers, LogGroupPrefix: p.LogGroupPrefix,
		ServiceMetrics: contract.ServiceMetrics{
			Namespace: m.Namespace, Dimension: m.Dimension, Requests: m.Requests, Errors: m.Errors, Duration: m.Duration,
		},
		PipelineNamespace: p.PipelineNamespace, CentralStreamName: p.CentralStreamName, DeliveryStreamName: p.DeliveryStreamName,
		Analysis: p.Analysis.contract(),
		SLOs:     sloContract(p.SLOs),
	}
}

func sloContract(slos []SLO) []contract.SLO {
	var out []contract.SLO
	for _, s := range slos {
		out = append(out, contract.SLO{Service: s.Service, Name: s.Name, Goal: s.Goal, Windows: s.Windows})
	}
	return out
}

// FromContract is the Platform whose wire form is c.
func FromContract(c contract.Platform) Platform {
	m := c.ServiceMetrics
	return Platform{
		Name: c.Name, CentralRegion: c.CentralRegion, Regions: c.Regions, Services: c.Services, APIName: c.APIName,
		LogTiers: c.LogTiers, LogGroupPrefix: c.LogGroupPrefix,
		ServiceMetrics: ServiceMetrics{
			Namespace: m.Namespace, Dimension: m.Dimension, Requests: m.Requests, Errors: m.Errors, Duration: m.Duration,
		},
		PipelineNamespace: c.PipelineNamespace, CentralStreamName: c.CentralStreamName, DeliveryStreamName: c.DeliveryStreamName,
		Analysis: analysisFromContract(c.Analysis),
		SLOs:     slosFromContract(c.SLOs),
	}
}

func slosFromContract(slos []contract.SLO) []SLO {
	var out []SLO
	for _, s := range slos {
		out = append(out, SLO{Service: s.Service, Name: s.Name, Goal: s.Goal, Windows: s.Windows})
	}
	return out
}

// LogGroupName is the log group holding service's logs of tier, e.g.
// /o11yscale/checkout-api/error.
func (p Platform) LogGroupName(service, tier string) string {
	return fmt.Sprintf("%s/%s/%s", or(p.LogGroupPrefix, "/"+or(p.Name, DefaultName)), service, strings.ToLower(tier))
}

// RegionLabel is a readable series label for region, e.g.
// "US East (us-east-1)"; the code keeps labels unique per region.
func RegionLabel(region string) string {
	geo := map[string]string{
		"us": "US", "eu": "EU", "ap": "Asia Pacific", "sa": "South America", "ca": "Canada",
		"me": "Middle East", "af": "Africa", "il": "Israel", "mx": "Mexico", "cn": "China",
	}
	parts := strings.Split(region, "-")
	if len(parts) < 3 {
		return region
	}
	name, ok := geo[parts[0]]
	if !ok {
		return region
	}
	dir := parts[len(parts)-2]
	if parts[1] == "gov" {
		name += " GovCloud"
	}
	return fmt.Sprintf("%s %s (%s)", name, strings.ToUpper(dir[:1])+dir[1:], region)
}
