package quotas

import (
	"reflect"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationsignals"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsoam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsxray"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// counted are the resource types Count reads.
var counted = map[string]bool{
	"AWS::XRay::SamplingRule": true, "AWS::XRay::Group": true, "AWS::Oam::Sink": true, "AWS::Oam::Link": true,
	"AWS::CloudWatch::MetricStream": true, "AWS::CloudWatch::Alarm": true, "AWS::CloudWatch::AnomalyDetector": true,
	"AWS::CloudWatch::CompositeAlarm": true, "AWS::KinesisFirehose::DeliveryStream": true, "AWS::Events::Rule": true,
	"AWS::Logs::MetricFilter": true, "AWS::Logs::SubscriptionFilter": true, "AWS::Lambda::Permission": true,
	"AWS::IAM::Policy": true, "AWS::IAM::RolePolicy": true, "AWS::IAM::Role": true, "AWS::SSM::Parameter": true,
	"AWS::ApplicationSignals::ServiceLevelObjective": true,
}

// needsProps are the types whose properties Count reads; the others are
// only counted.
var needsProps = map[string]bool{
	"AWS::Oam::Link": true, "AWS::CloudWatch::Alarm": true, "AWS::CloudWatch::AnomalyDetector": true, "AWS::CloudWatch::CompositeAlarm": true,
	"AWS::Events::Rule": true, "AWS::Logs::MetricFilter": true, "AWS::Logs::SubscriptionFilter": true,
	"AWS::Lambda::Permission": true, "AWS::IAM::Policy": true, "AWS::IAM::RolePolicy": true, "AWS::IAM::Role": true,
	"AWS::SSM::Parameter": true, "AWS::ApplicationSignals::ServiceLevelObjective": true,
	"AWS::CloudWatch::MetricStream": true,
}

// typeOf names an L1's CloudFormation type from its Go type, without a
// call into the jsii runtime; other resources (a plain CfnResource, or an
// L1 of a type Count ignores) are asked for their type.
func typeOf(c constructs.IConstruct) (string, awscdk.CfnResource, bool) {
	switch r := c.(type) {
	case awsxray.CfnSamplingRule:
		return "AWS::XRay::SamplingRule", r, true
	case awsxray.CfnGroup:
		return "AWS::XRay::Group", r, true
	case awsoam.CfnSink:
		return "AWS::Oam::Sink", r, true
	case awsoam.CfnLink:
		return "AWS::Oam::Link", r, true
	case awscloudwatch.CfnMetricStream:
		return "AWS::CloudWatch::MetricStream", r, true
	case awscloudwatch.CfnAlarm:
		return "AWS::CloudWatch::Alarm", r, true
	case awscloudwatch.CfnAnomalyDetector:
		return "AWS::CloudWatch::AnomalyDetector", r, true
	case awscloudwatch.CfnCompositeAlarm:
		return "AWS::CloudWatch::CompositeAlarm", r, true
	case awskinesisfirehose.CfnDeliveryStream:
		return "AWS::KinesisFirehose::DeliveryStream", r, true
	case awsevents.CfnRule:
		return "AWS::Events::Rule", r, true
	case awslogs.CfnMetricFilter:
		return "AWS::Logs::MetricFilter", r, true
	case awslogs.CfnSubscriptionFilter:
		return "AWS::Logs::SubscriptionFilter", r, true
	case awslambda.CfnPermission:
		return "AWS::Lambda::Permission", r, true
	case awsiam.CfnPolicy:
		return "AWS::IAM::Policy", r, true
	case awsiam.CfnRolePolicy:
		return "AWS::IAM::RolePolicy", r, true
	case awsiam.CfnRole:
		return "AWS::IAM::Role", r, true
	case awsssm.CfnParameter:
		return "AWS::SSM::Parameter", r, true
	case awsapplicationsignals.CfnServiceLevelObjective:
		return "AWS::ApplicationSignals::ServiceLevelObjective", r, true
	case awscdk.CfnResource:
		// Typed L1s of other services are skipped by their Go type name;
		// only the untyped CfnResource (any type string) is asked.
		if reflect.TypeOf(r).String() != "*awscdk.jsiiProxy_CfnResource" {
			return "", nil, false
		}
		return *r.CfnResourceType(), r, true
	}
	return "", nil, false
}

// propsOf reads the properties Count needs, mostly through the L1's typed
// getters: CfnProperties() loses the objects (policy documents) nested in
// structs on the way through the jsii runtime. Alarms, detectors and an
// untyped CfnResource give their CfnProperties().
func propsOf(c constructs.IConstruct, res awscdk.CfnResource) map[string]any {
	switch r := c.(type) {
	case awsoam.CfnLink:
		return map[string]any{"sinkIdentifier": r.SinkIdentifier()}
	case awscloudwatch.CfnAlarm:
		id := r.ThresholdMetricId()
		if id == nil {
			// Not a band alarm: nothing more to read.
			return map[string]any{}
		}
		// CfnProperties is ten times faster here than the typed getters,
		// which convert every nested struct; metric queries hold no
		// objects for it to lose.
		return *res.CfnProperties()
	case awscloudwatch.CfnAnomalyDetector:
		return *res.CfnProperties()
	case awscloudwatch.CfnCompositeAlarm:
		return map[string]any{"alarmName": r.AlarmName(), "alarmRule": r.AlarmRule()}
	case awsevents.CfnRule:
		return map[string]any{"eventBusName": r.EventBusName()}
	case awslogs.CfnMetricFilter:
		return map[string]any{"logGroupName": r.LogGroupName()}
	case awslogs.CfnSubscriptionFilter:
		return map[string]any{"logGroupName": r.LogGroupName()}
	case awslambda.CfnPermission:
		return map[string]any{"functionName": r.FunctionName(), "principal": r.Principal(), "action": r.Action(),
			"sourceArn": r.SourceArn(), "sourceAccount": r.SourceAccount(), "principalOrgId": r.PrincipalOrgId()}
	case awsiam.CfnPolicy:
		return map[string]any{"policyDocument": r.PolicyDocument(), "roles": r.Roles()}
	case awsiam.CfnRolePolicy:
		return map[string]any{"roleName": r.RoleName(), "policyDocument": r.PolicyDocument()}
	case awsiam.CfnRole:
		return map[string]any{"roleName": r.RoleName(), "policies": r.Policies()}
	case awsssm.CfnParameter:
		return map[string]any{"name": r.Name(), "value": r.Value(), "tier": r.Tier()}
	case awscloudwatch.CfnMetricStream:
		return map[string]any{"name": r.Name(), "includeFilters": r.IncludeFilters(), "excludeFilters": r.ExcludeFilters()}
	}
	if p := res.CfnProperties(); p != nil {
		return *p
	}
	return nil
}

// Collect reads every counted resource of stacks and their nested stacks,
// each with the account and region of its top-level stack and its
// properties resolved by its own (nested) stack. Call it once the app is
// prepared (from a validation), so references are final.
func Collect(stacks []awscdk.Stack) []Resource {
	var out []Resource
	for _, st := range stacks {
		account := *st.Account()
		if *awscdk.Token_IsUnresolved(jsii.String(account)) {
			account = ""
		}
		region := *st.Region()
		if *awscdk.Token_IsUnresolved(jsii.String(region)) {
			region = "(no region set)"
		}
		all := *st.Node().FindAll(constructs.ConstructOrder_PREORDER)
		owner := map[constructs.IConstruct]awscdk.Stack{}
		for _, c := range all {
			// Pre-order: a nested stack inside another overwrites the outer.
			if ns, ok := c.(awscdk.NestedStack); ok {
				for _, d := range *ns.Node().FindAll(constructs.ConstructOrder_PREORDER) {
					owner[d] = ns
				}
			}
		}
		type pending struct {
			res   Resource
			props any
			ref   *string
		}
		byStack := map[awscdk.Stack][]pending{}
		var order []awscdk.Stack
		for _, c := range all {
			typ, res, ok := typeOf(c)
			if !ok || !counted[typ] {
				continue
			}
			s := owner[c]
			if s == nil {
				s = st
			}
			if _, seen := byStack[s]; !seen {
				order = append(order, s)
				byStack[s] = nil
			}
			p := pending{res: Resource{Type: typ, Account: account, Region: region}}
			if needsProps[typ] {
				p.props = propsOf(c, res)
				if typ == "AWS::IAM::Role" {
					p.ref = res.Ref()
				}
			}
			byStack[s] = append(byStack[s], p)
		}
		for _, s := range order {
			items := byStack[s]
			// One resolve per stack: the properties and references of all
			// its counted resources.
			batch := make([]any, len(items))
			for i, p := range items {
				batch[i] = map[string]any{"p": p.props, "r": p.ref}
			}
			resolved, _ := s.Resolve(&batch).([]any)
			path := *s.Node().Path()
			for i, p := range items {
				p.res.Stack = path
				if i < len(resolved) {
					if m, ok := resolved[i].(map[string]any); ok {
						p.res.Props, _ = m["p"].(map[string]any)
						p.res.Ref = m["r"]
					}
				}
				out = append(out, p.res)
			}
		}
	}
	return out
}

// validator runs the check when the app is validated, after prepare and
// before any template is written.
type validator struct {
	stacks func() []awscdk.Stack
	props  Props
	done   func([]Usage, error)
}

func (v *validator) Validate() *[]*string {
	usages := Count(Collect(v.stacks()))
	err := v.props.Check(usages)
	if v.done != nil {
		v.done(usages, err)
	}
	if err == nil {
		return &[]*string{}
	}
	return &[]*string{jsii.String(err.Error())}
}

// Attach adds the quota check to scope's validations: synth of the app
// fails before the cloud assembly is written when stacks() exceed a quota.
// done (may be nil) receives the usages and the breach (nil when within
// every quota), so a caller can report them without CDK's wrapping.
func Attach(scope constructs.IConstruct, stacks func() []awscdk.Stack, props Props, done func([]Usage, error)) {
	scope.Node().AddValidation(&validator{stacks: stacks, props: props, done: done})
}
