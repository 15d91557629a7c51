package sampling

import (
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Props configures sampling and tracing. The zero value is valid: the
// seed's rule table, groups for faults and errors and for slow requests,
// and the tail-sampling collector configuration.
type Props struct {
	// Name is the platform name: 1-24 letters, digits, '-', '_' or '.'.
	// Default: "o11yscale". The names this construct creates derive from
	// it: the X-Ray group names start with "<Name>-"
	// (GroupsProps.NamePrefix) and the collector parameter is
	// "/<Name>/otel/collector-config" (TailSamplingProps.ParameterName).
	Name string
	// Rules is the X-Ray sampling rule table. Default (when empty):
	// DefaultRules().
	Rules []Rule
	// SlowThreshold marks a request as slow for the slow-requests group and
	// the keep-slow tail policy: above 0, whole milliseconds. Default: 2s.
	SlowThreshold time.Duration
	// Groups configures the X-Ray groups.
	Groups GroupsProps
	// TailSampling configures the OpenTelemetry tail-sampling collector.
	TailSampling TailSamplingProps
	// TransactionSearch configures Transaction Search (on by default: the
	// X-Ray OTLP endpoint needs it).
	TransactionSearch TransactionSearchProps
}

// Defaults.
const (
	DefaultName          = "o11yscale"
	DefaultSlowThreshold = 2 * time.Second
	DefaultDecisionWait  = 10 * time.Second
	DefaultNumTraces     = 50000
	DefaultReceiverHost  = "localhost"
	// DefaultParameterName is ParameterName(DefaultName).
	DefaultParameterName = "/" + DefaultName + "/otel/collector-config"
	// DefaultGroupNamePrefix is GroupNamePrefix(DefaultName).
	DefaultGroupNamePrefix = DefaultName + "-"
	// CatchAllPriority is the priority of the default table's wildcard
	// rule: the highest a custom rule can have, so every other rule is
	// evaluated first. X-Ray's built-in "Default" rule (priority 10000)
	// stays behind it and never matches.
	CatchAllPriority = 9999
)

// GroupNamePrefix is the default X-Ray group name prefix for the platform
// name: "<name>-".
func GroupNamePrefix(name string) string { return name + "-" }

// ParameterName is the default name of the collector configuration's SSM
// parameter for the platform name: "/<name>/otel/collector-config".
func ParameterName(name string) string { return "/" + name + "/otel/collector-config" }

func (p Props) withDefaults() Props {
	if p.Name == "" {
		p.Name = DefaultName
	}
	if len(p.Rules) == 0 {
		p.Rules = DefaultRules()
	}
	if p.SlowThreshold == 0 {
		p.SlowThreshold = DefaultSlowThreshold
	}
	p.Groups = p.Groups.withDefaults(p.Name)
	p.TailSampling = p.TailSampling.withDefaults(p.Name, p.Rules)
	p.TransactionSearch = p.TransactionSearch.withDefaults(p.Name)
	return p
}

var (
	namePattern     = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	receiverHostRE  = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)
	ssmNamePattern  = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)
	maxSSMNameLen   = 2048
	maxSSMHierarchy = 15
)

// Field limits from the X-Ray API and the CloudFormation schema.
const (
	maxNameLen         = 32
	maxServiceLen      = 64
	maxHostLen         = 64
	maxMethodLen       = 10
	maxURLPathLen      = 128
	maxResourceARNLen  = 500
	maxAttributes      = 5
	maxAttributePart   = 32
	maxPriority        = 9999
	maxGroupPrefixLen  = maxNameLen - hashSuffixLen - 1
	maxSegmentNameLen  = 200
	advancedParamBytes = 8192
	// maxPlatformNameLen keeps Name+"-" within maxGroupPrefixLen, so the
	// default group prefix derived from Name fits.
	maxPlatformNameLen = maxGroupPrefixLen - 1
)

// Validate checks every field of complete props and reports every problem
// at once, each naming its field path (e.g. "rules[2].fixedRate"). It also
// generates the collector configuration, to check that it fits an SSM
// parameter.
func (p Props) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	if n := len(p.Name); n > maxPlatformNameLen || !namePattern.MatchString(p.Name) {
		v.Add("name", p.Name, "1-%d letters, digits, '-', '_' or '.'", maxPlatformNameLen)
	}
	validateRules(&v, p.Rules)
	if p.SlowThreshold <= 0 || p.SlowThreshold%time.Millisecond != 0 {
		v.Add("slowThreshold", p.SlowThreshold.String(), "a duration above 0 in whole milliseconds, e.g. 2s or 1500ms")
	}
	validateGroups(&v, p)
	validateTailSampling(&v, p)
	validateTransactionSearch(&v, p)
	return v.Err()
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
