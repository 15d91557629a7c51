// Package contract is what the oamsink Lambda and the construct that
// deploys it (constructs/oam) agree on: the custom resource type, its
// properties and outputs, and the names of the roles and the parameter on
// both sides of the cross-account lookup. It imports no SDK or CDK.
package contract

import (
	"fmt"
	"regexp"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// ResourceType is the custom resource's CloudFormation type.
const ResourceType = "Custom::OamSinkArn"

// Resource properties the construct sets.
const (
	// PropReaderRoleArn is the role in the monitoring account the Lambda
	// assumes to read the parameter.
	PropReaderRoleArn = "ReaderRoleArn"
	// PropParameterName is the SSM parameter holding the sink ARN.
	PropParameterName = "ParameterName"
	// PropRegion is the monitoring region (the sink's and the parameter's).
	PropRegion = "Region"
)

// AttrSinkArn is the output attribute: the sink's ARN.
const AttrSinkArn = "SinkArn"

// ResourceProperties are the custom resource's properties.
type ResourceProperties struct {
	ReaderRoleArn string `json:"ReaderRoleArn"`
	ParameterName string `json:"ParameterName"`
	Region        string `json:"Region"`
}

var (
	roleArnRE = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):role/[A-Za-z0-9+=,.@_/-]{1,64}$`)
	paramRE   = regexp.MustCompile(`^/[A-Za-z0-9_.\-/]{1,1000}$`)
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)
	sinkArnRE = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):oam:([a-z0-9-]+):([0-9]{12}):sink/[A-Za-z0-9-]{1,64}$`)
)

// Validate checks every property at once.
func (p ResourceProperties) Validate() error {
	var v validation.Errors
	if !roleArnRE.MatchString(p.ReaderRoleArn) {
		v.Add(PropReaderRoleArn, p.ReaderRoleArn, "an IAM role ARN arn:aws:iam::<12-digit account>:role/<name>")
	}
	if !paramRE.MatchString(p.ParameterName) {
		v.Add(PropParameterName, p.ParameterName, "an SSM parameter name starting with /")
	}
	if !regionRE.MatchString(p.Region) {
		v.Add(PropRegion, p.Region, "an AWS region code such as eu-west-1")
	}
	return v.Err()
}

// Account is the monitoring account: the reader role's account.
func (p ResourceProperties) Account() string {
	if m := roleArnRE.FindStringSubmatch(p.ReaderRoleArn); m != nil {
		return m[2]
	}
	return ""
}

// CheckSinkArn accepts only the ARN of a sink in the monitoring account
// and region: a parameter that names any other resource is refused, so a
// tampered parameter cannot point links elsewhere.
func CheckSinkArn(arn, account, region string) error {
	m := sinkArnRE.FindStringSubmatch(arn)
	switch {
	case m == nil:
		return fmt.Errorf("parameter value %q is not an OAM sink ARN (arn:aws:oam:<region>:<account>:sink/<id>)", arn)
	case m[2] != region:
		return fmt.Errorf("sink ARN %q is in region %s, not the monitoring region %s", arn, m[2], region)
	case m[3] != account:
		return fmt.Errorf("sink ARN %q is in account %s, not the monitoring account %s", arn, m[3], account)
	}
	return nil
}

// ReaderRoleName is the role in the monitoring account that the lookup
// Lambdas of the workload accounts assume.
func ReaderRoleName(platform string) string { return platform + "-oam-sink-reader" }

// LookupRoleName is the lookup Lambda's execution role in a workload
// account and region; the reader role trusts only roles named like this.
func LookupRoleName(platform, region string) string { return platform + "-oam-lookup-" + region }

// LookupRolePattern matches every LookupRoleName of platform.
func LookupRolePattern(platform string) string { return platform + "-oam-lookup-*" }

// ParameterName is where each monitoring region's stack publishes its
// sink's ARN.
func ParameterName(platform string) string { return "/" + platform + "/oam/sink-arn" }
