package logtiers

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers/fluentbit"
	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/constructs/review"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// SSM parameter value limits.
const (
	standardParameterBytes = 4096
	advancedParameterBytes = 8192
)

// ServiceLogs is one service's log tiers.
type ServiceLogs struct {
	constructs.Construct
	// Resolved are the props after defaults: tiers, metric filter
	// namespaces and names, forwarding rules.
	Resolved ServiceLogsProps
	// LogGroups by tier, for the CloudWatch tiers only.
	LogGroups map[Tier]awslogs.LogGroup
	// MetricFilters in the order of Resolved.MetricFilters.
	MetricFilters []awslogs.CfnMetricFilter
	// SubscriptionFilters, one per forwarding rule and tier.
	SubscriptionFilters []awslogs.CfnSubscriptionFilter
	// FluentBitConfig is the generated Fluent Bit config (as written for
	// review); empty unless FluentBit.Publish.
	FluentBitConfig string
	// FluentBitParameter holds the config; nil unless FluentBit.Publish.
	FluentBitParameter awsssm.StringParameter
}

// validateWiring checks the collaborators the settings call for (p is
// after defaults).
func (p ServiceLogsProps) validateWiring() error {
	var v validation.Errors
	for i, f := range p.Forwarding {
		if f.Destination == nil {
			v.Add(validation.Index("forwarding", i)+".destination", nil, "a SubscriptionDestination (the log router from NewRouter, a LambdaDestination or a StreamDestination), here or in ServiceLogsProps.Destination")
		}
	}
	if p.FluentBit.Publish && p.Archive == nil {
		for _, tier := range TierNames {
			if p.Tiers.get(tier).Destination == S3 {
				v.Add("tiers."+tier.lower()+".destination", string(S3), "a wired archive: set Archive so Fluent Bit knows the bucket")
			}
		}
	}
	return v.Err()
}

// NewServiceLogs creates a service's tier log groups, metric filters,
// subscription filters and (optionally) its Fluent Bit config.
func NewServiceLogs(scope constructs.Construct, id string, props ServiceLogsProps) (*ServiceLogs, error) {
	where := *scope.Node().Path() + "/" + id
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("logtiers service logs %s: %w", where, err)
	}
	p := props.withDefaults()
	if err := p.validateWiring(); err != nil {
		return nil, fmt.Errorf("logtiers service logs %s: %w", where, err)
	}

	c := constructs.NewConstruct(scope, &id)
	s := &ServiceLogs{Construct: c, Resolved: p, LogGroups: map[Tier]awslogs.LogGroup{}}
	removal := awscdk.RemovalPolicy_RETAIN
	if p.DestroyOnRemoval {
		removal = awscdk.RemovalPolicy_DESTROY
	}
	for _, tier := range TierNames {
		t := p.Tiers.get(tier)
		if t.Destination != CloudWatch {
			continue
		}
		lgProps := &awslogs.LogGroupProps{
			LogGroupName:  jsii.String(LogGroupName(p.LogGroupPrefix, p.Service, tier)),
			Retention:     retention.Enum(t.RetentionDays),
			LogGroupClass: t.Class,
			RemovalPolicy: removal,
		}
		if p.EncryptionKey != nil {
			lgProps.EncryptionKey = p.EncryptionKey
		}
		s.LogGroups[tier] = awslogs.NewLogGroup(c, jsii.String(tierID(tier)), lgProps)
	}

	for _, f := range p.MetricFilters {
		lg := s.LogGroups[f.Tier]
		transform := &awslogs.CfnMetricFilter_MetricTransformationProperty{
			MetricName:      jsii.String(f.MetricName),
			MetricNamespace: jsii.String(f.Namespace),
			MetricValue:     jsii.String(f.Value),
		}
		if !f.NoDefaultValue {
			transform.DefaultValue = jsii.Number(f.DefaultValue)
		}
		if f.Unit != "" {
			transform.Unit = jsii.String(unitName(f.Unit))
		}
		if len(f.Dimensions) > 0 {
			dims := []*awslogs.CfnMetricFilter_DimensionProperty{}
			for _, k := range sortedKeys(f.Dimensions) {
				dims = append(dims, &awslogs.CfnMetricFilter_DimensionProperty{Key: jsii.String(k), Value: jsii.String(f.Dimensions[k])})
			}
			transform.Dimensions = &dims
		}
		// Filters are children of their log group, so the quota check
		// below also counts filters added later through the escape hatch.
		s.MetricFilters = append(s.MetricFilters, awslogs.NewCfnMetricFilter(lg, jsii.String("Metric"+f.Name), &awslogs.CfnMetricFilterProps{
			FilterName:            jsii.String(p.Service + "-" + f.Name),
			FilterPattern:         jsii.String(f.Pattern),
			LogGroupName:          lg.LogGroupName(),
			MetricTransformations: &[]any{transform},
		}))
	}

	if err := s.forward(p); err != nil {
		return nil, fmt.Errorf("logtiers service logs %s: %w", where, err)
	}
	c.Node().AddValidation(&filterQuotas{groups: s.LogGroups})

	if p.FluentBit.Publish {
		if err := s.publishFluentBit(p); err != nil {
			return nil, fmt.Errorf("logtiers service logs %s: %w", where, err)
		}
	}
	return s, nil
}

// tierID is the construct id of a tier's log group, e.g. "Error".
func tierID(tier Tier) string { return string(tier[:1]) + tier.lower()[1:] }

// forward creates the subscription filters, binding each destination once.
func (s *ServiceLogs) forward(p ServiceLogsProps) error {
	bound := map[SubscriptionDestination]SubscriptionConfig{}
	for i, f := range p.Forwarding {
		cfg, ok := bound[f.Destination]
		if !ok {
			var err error
			cfg, err = f.Destination.BindSubscription(s.Construct, LogGroupName(p.LogGroupPrefix, p.Service, ""))
			if err != nil {
				return fmt.Errorf("%s.destination: %w", validation.Index("forwarding", i), err)
			}
			bound[f.Destination] = cfg
		}
		props := &awslogs.CfnSubscriptionFilterProps{
			FilterName:     jsii.String(p.Service + "-" + f.Name),
			FilterPattern:  jsii.String(f.Pattern),
			DestinationArn: jsii.String(cfg.Arn),
		}
		if cfg.Role != nil {
			props.RoleArn = cfg.Role.RoleArn()
		}
		if f.Distribution != "" {
			props.Distribution = jsii.String(distributionName(f.Distribution))
		}
		for _, tier := range f.Tiers {
			lg := s.LogGroups[tier]
			perGroup := *props
			perGroup.LogGroupName = lg.LogGroupName()
			sub := awslogs.NewCfnSubscriptionFilter(lg, jsii.String("Forward"+f.Name), &perGroup)
			// CloudWatch Logs test-delivers when the filter is created, so
			// the permission or the role's policy must exist first.
			if cfg.DependsOn != nil {
				sub.Node().AddDependency(cfg.DependsOn)
			}
			s.SubscriptionFilters = append(s.SubscriptionFilters, sub)
		}
	}
	return nil
}

// filterQuotas enforces CloudWatch's per-log-group quotas at synth over
// every filter under the log groups, including ones added after
// NewServiceLogs through the escape hatch.
type filterQuotas struct {
	groups map[Tier]awslogs.LogGroup
}

// Validate returns one message per exceeded quota.
func (q *filterQuotas) Validate() *[]*string {
	var errs []*string
	for _, tier := range TierNames {
		lg, ok := q.groups[tier]
		if !ok {
			continue
		}
		subs, metrics := 0, 0
		for _, child := range *lg.Node().FindAll(constructs.ConstructOrder_PREORDER) {
			cfn, ok := child.(awscdk.CfnResource)
			if !ok {
				continue
			}
			switch *cfn.CfnResourceType() {
			case "AWS::Logs::SubscriptionFilter":
				subs++
			case "AWS::Logs::MetricFilter":
				metrics++
			}
		}
		if subs > MaxSubscriptionFilters {
			errs = append(errs, jsii.String(fmt.Sprintf("log group %s has %d subscription filters; CloudWatch Logs allows at most %d per log group", *lg.Node().Path(), subs, MaxSubscriptionFilters)))
		}
		if metrics > MaxMetricFilters {
			errs = append(errs, jsii.String(fmt.Sprintf("log group %s has %d metric filters; CloudWatch Logs allows at most %d per log group", *lg.Node().Path(), metrics, MaxMetricFilters)))
		}
	}
	return &errs
}

// publishFluentBit generates the config, stores it in SSM and registers it
// for review.
func (s *ServiceLogs) publishFluentBit(p ServiceLogsProps) error {
	stack := awscdk.Stack_Of(s.Construct)
	region, reviewRegion := *stack.Region(), *stack.Region()
	if unresolved(region) {
		// An environment-agnostic stack: Fluent Bit expands ${AWS_REGION},
		// which ECS sets in every task.
		region, reviewRegion = "${AWS_REGION}", "${AWS_REGION}"
	}
	bucket, reviewBucket := "", ""
	if p.Archive != nil {
		bucket, reviewBucket = p.Archive.BucketName(), p.Archive.BucketName()
		if unresolved(bucket) {
			// The SSM value gets the real name at deploy; the review copy
			// names what it stands for.
			reviewBucket = "${ARCHIVE_BUCKET}"
		}
	}
	endpoint, reviewEndpoint := "", ""
	indexes := p.Analysis != nil && p.FluentBit.OpenSearchEndpoint == "" && p.fluentBitIndexesAnalysis()
	if indexes {
		// Always a token: the collection endpoint is known at deploy.
		endpoint, reviewEndpoint = p.Analysis.Endpoint(), "${ANALYSIS_ENDPOINT}"
	}
	text, err := fluentbit.Generate(p.fluentBitSpec(region, bucket, endpoint))
	if err != nil {
		return err
	}
	reviewText, err := fluentbit.Generate(p.fluentBitSpec(reviewRegion, reviewBucket, reviewEndpoint))
	if err != nil {
		return err
	}
	if reviewBucket != bucket {
		reviewText = "# ${ARCHIVE_BUCKET} is the archive bucket's name, filled in at deploy in the SSM parameter.\n" + reviewText
	}
	if indexes {
		reviewText = "# ${ANALYSIS_ENDPOINT} is the analysis collection's host, filled in at deploy in the SSM parameter.\n" + reviewText
	}
	// Tokens render shorter than what they resolve to; a bucket name is at
	// most 63 characters.
	size := len(reviewText) + strings.Count(reviewText, "${ARCHIVE_BUCKET}")*63 +
		strings.Count(reviewText, "${ANALYSIS_ENDPOINT}")*64
	if size > advancedParameterBytes {
		return fmt.Errorf("fluentBit: the generated config is about %d bytes; an SSM parameter holds at most %d", size, advancedParameterBytes)
	}
	tier := awsssm.ParameterTier_STANDARD
	if size > standardParameterBytes {
		tier = awsssm.ParameterTier_ADVANCED
	}
	s.FluentBitConfig = reviewText
	s.FluentBitParameter = awsssm.NewStringParameter(s.Construct, jsii.String("FluentBitConfig"), &awsssm.StringParameterProps{
		ParameterName: jsii.String(p.FluentBit.ParameterName),
		StringValue:   jsii.String(text),
		Tier:          tier,
		Description:   jsii.String("Fluent Bit (FireLens) routing for " + p.Service + " log tiers"),
	})
	path := "logtiers/fluent-bit-" + p.Service + ".conf"
	if !unresolved(*stack.Region()) {
		path = "logtiers/" + *stack.Region() + "/fluent-bit-" + p.Service + ".conf"
	}
	return review.Add(s.Construct, path, []byte(reviewText))
}
