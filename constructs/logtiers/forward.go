package logtiers

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

	"github.com/o11yscale/o11yscale/constructs/logtiers/pattern"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// ForwardProps is one subscription filter, created on each of its tiers'
// log groups.
type ForwardProps struct {
	// Name, unique per service: 1-100 letters, digits, '-', '_' or '.'.
	// The CloudWatch filter is named <service>-<name>. Default: "critical".
	Name string
	// Destination receives the events. Default:
	// ServiceLogsProps.Destination (NewServiceLogs reports a rule with
	// neither).
	Destination SubscriptionDestination
	// Pattern selects the forwarded events. Default: the seed's critical
	// events, { $.level = "ERROR" || $.status_code >= 500 } for JSON logs,
	// [time, request_id, level = ERROR*, ...] for space-delimited ones.
	Pattern string
	// AllEvents subscribes every event of the tiers' log groups (an empty
	// filter pattern), for a destination that selects events itself: the
	// log router with an analysis tier, which indexes every ERROR and WARN
	// event. Pattern must then be empty. Default: false, except for the
	// default rule of a service with ServiceLogsProps.Analysis.
	AllEvents bool
	// Tiers whose log groups are subscribed. Default: every CloudWatch
	// tier of the STANDARD class.
	Tiers []Tier
	// Distribution of events over a Kinesis stream's shards (Kinesis
	// only). Default: CloudWatch's (awslogs.Distribution_BY_LOG_STREAM).
	Distribution awslogs.Distribution
}

// distributionName is how CloudFormation spells a distribution
// (AWS::Logs::SubscriptionFilter Distribution), or "" for another value.
func distributionName(d awslogs.Distribution) string {
	switch d {
	case awslogs.Distribution_BY_LOG_STREAM:
		return "ByLogStream"
	case awslogs.Distribution_RANDOM:
		return "Random"
	}
	return ""
}

// validate checks the rule's own fields (after defaults) at path and
// returns the parsed pattern and whether it parsed.
func (f ForwardProps) validate(v *validation.Errors, path string) (pattern.Pattern, bool) {
	if f.Distribution != "" {
		switch {
		case distributionName(f.Distribution) == "":
			v.Add(path+".distribution", string(f.Distribution), "one of ByLogStream, Random")
		case f.Destination != nil && f.Destination.SubscriptionKind() != KindKinesis:
			v.Add(path+".distribution", distributionName(f.Distribution), "no value: distribution applies to kinesis only")
		}
	}
	if f.AllEvents && f.Pattern != "" {
		v.Add(path+".pattern", f.Pattern, "no pattern with allEvents (every event of the log groups is forwarded)")
	}
	pat, err := pattern.Parse(f.Pattern)
	if err != nil {
		v.Add(path+".pattern", f.Pattern, "a valid CloudWatch filter pattern (%v)", err)
	}
	if len(f.Tiers) == 0 {
		v.Add(path+".tiers", "", "at least one STANDARD cloudwatch tier (none keeps logs in a STANDARD log group)")
	}
	return pat, err == nil
}
