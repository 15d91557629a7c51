// Package oam is CloudWatch cross-account observability for the
// o11yscale platform: an [Sink] in each monitoring region of the
// monitoring account, whose policy lets only the configured source
// accounts (and, optionally, only inside the organization) link, and only
// for the configured resource types; a [Reader] role in the monitoring
// account that the workload accounts' lookups may assume to read each
// sink's ARN, and nothing else; and a [Link] in every workload
// account-region, which learns its sink's ARN through that role with a
// small custom resource (the sink ARN ends in a random id, so no template
// can name it), and shares only what its filters select.
//
// Quotas (https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateSink.html):
// one sink per account and region. A source account can link to at most
// five monitoring accounts, and a monitoring account accepts up to
// 100,000 source accounts
// (https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateLink.html).
package oam

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/internal/naming"
)

// ResourceType is a kind of telemetry a link shares.
type ResourceType string

// Resource types the platform shares
// (https://docs.aws.amazon.com/OAM/latest/APIReference/API_PutSinkPolicy.html).
const (
	Metrics                    ResourceType = "AWS::CloudWatch::Metric"
	LogGroups                  ResourceType = "AWS::Logs::LogGroup"
	Traces                     ResourceType = "AWS::XRay::Trace"
	ApplicationSignalsServices ResourceType = "AWS::ApplicationSignals::Service"
	ApplicationSignalsSLOs     ResourceType = "AWS::ApplicationSignals::ServiceLevelObjective"
)

// DefaultResourceTypes are shared when nothing is configured: metrics, log
// groups, traces, Application Signals services and SLOs.
var DefaultResourceTypes = []ResourceType{Metrics, LogGroups, Traces, ApplicationSignalsServices, ApplicationSignalsSLOs}

// Enum lists the allowed values (for the config schema).
func (ResourceType) Enum() []string {
	out := make([]string, len(DefaultResourceTypes))
	for i, t := range DefaultResourceTypes {
		out[i] = string(t)
	}
	return out
}

var (
	platRE    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	// Organization ids: "o-" and 10 to 32 lowercase letters or digits
	// (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html).
	orgRE    = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	regionRE = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)
)

func checkTypes(v *validation.Errors, path string, types []ResourceType) {
	seen := map[ResourceType]bool{}
	for i, t := range types {
		switch {
		case !slices.Contains(DefaultResourceTypes, t):
			v.Add(validation.Index(path, i), string(t), "one of %s", strings.Join(ResourceType("").Enum(), ", "))
		case seen[t]:
			v.Add(validation.Index(path, i), string(t), "each resource type once")
		}
		seen[t] = true
	}
}

func checkAccounts(v *validation.Errors, path string, accounts []string) {
	if len(accounts) == 0 {
		v.Add(path, nil, "at least one 12-digit source account id")
	}
	seen := map[string]bool{}
	for i, a := range accounts {
		switch {
		case !accountRE.MatchString(a):
			v.Add(validation.Index(path, i), a, "a 12-digit AWS account id")
		case seen[a]:
			v.Add(validation.Index(path, i), a, "each account once")
		}
		seen[a] = true
	}
}

// DefaultLogGroupFilter shares only the platform's log groups, which all
// live under logtiers.LogGroupPrefix(name).
func DefaultLogGroupFilter(name string) string {
	return fmt.Sprintf("LogGroupName LIKE '%s/%%'", logtiers.LogGroupPrefix(name))
}

// DefaultMetricFilter shares only the platform's namespaces, which all
// start with "<Name>/" (logs, pipeline, sampling metrics).
func DefaultMetricFilter(name string) string {
	return fmt.Sprintf("Namespace LIKE '%s/%%'", naming.Title(name))
}

// maxFilterOperands and maxFilterLength: each filter has at most five
// conditional operands (AND, OR) and 2,000 characters
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-oam-link-linkfilter.html).
const (
	maxFilterOperands = 5
	maxFilterLength   = 2000
)

var operandRE = regexp.MustCompile(`\b(AND|OR)\b`)

func checkFilter(v *validation.Errors, path, term, filter string) {
	switch {
	case len(filter) > maxFilterLength:
		v.Add(path, filter, "a filter of at most %d characters", maxFilterLength)
	case !strings.Contains(filter, term):
		v.Add(path, filter, "a filter on %s, e.g. %s LIKE 'prefix/%%'", term, term)
	case len(operandRE.FindAllString(filter, -1)) > maxFilterOperands:
		v.Add(path, filter, "at most %d AND/OR operands", maxFilterOperands)
	case strings.Count(filter, "'")%2 != 0:
		v.Add(path, filter, "names in single quotes, each quote closed")
	}
}
