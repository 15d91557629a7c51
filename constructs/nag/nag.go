// Package nag records cdk-nag rule suppressions on single resources
// without importing cdk-nag: it writes the same "cdk_nag" template metadata
// that cdk-nag reads. The library must not require cdk-nag: cdk-nag-go
// v2.38.2 requires constructs v10.5.1, with which awscdk v2.220.0 does not
// compile ("ambiguous selector *jsiiProxy_EventBus.With"), and the replace
// directive that fixes it works only in the module that declares it (see
// "Toolchain notes" in the README).
package nag

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
)

// Suppression silences one rule on one resource, with a reason.
type Suppression struct {
	// ID of the rule, e.g. "AwsSolutions-IAM5".
	ID string
	// Reason, at least 10 characters, says why the finding is acceptable.
	Reason string
	// AppliesTo narrows the suppression to specific findings, e.g.
	// "Resource::*" for one wildcard resource.
	AppliesTo []string
}

// Suppress adds suppressions to the CloudFormation resource behind c (c
// itself if it is a CfnResource, else its default child). It panics when
// c has no resource or a reason is too short: both are programming errors
// in our constructs, caught by the nag tests.
func Suppress(c constructs.IConstruct, suppressions ...Suppression) {
	res := resourceOf(c)
	if res == nil {
		panic(fmt.Sprintf("nag: %s has no CloudFormation resource to suppress findings on", *c.Node().Path()))
	}
	var rules []any
	if existing, ok := res.GetMetadata(strPtr("cdk_nag")).(map[string]any); ok {
		if r, ok := existing["rules_to_suppress"].([]any); ok {
			rules = r
		}
	}
	for _, s := range suppressions {
		if len(s.Reason) < 10 {
			panic(fmt.Sprintf("nag: suppression of %s on %s needs a reason of at least 10 characters", s.ID, *c.Node().Path()))
		}
		rule := map[string]any{"id": s.ID, "reason": s.Reason}
		if len(s.AppliesTo) > 0 {
			applies := make([]any, len(s.AppliesTo))
			for i, a := range s.AppliesTo {
				applies[i] = a
			}
			rule["applies_to"] = applies
		}
		rules = append(rules, rule)
	}
	res.AddMetadata(strPtr("cdk_nag"), map[string]any{"rules_to_suppress": rules})
}

func resourceOf(c constructs.IConstruct) awscdk.CfnResource {
	if r, ok := c.(awscdk.CfnResource); ok {
		return r
	}
	if dc := c.Node().DefaultChild(); dc != nil {
		if r, ok := dc.(awscdk.CfnResource); ok {
			return r
		}
	}
	return nil
}

func strPtr(s string) *string { return &s }
