// Package stacks composes the o11yscale constructs into deployable stacks
// from a platform config: one central stack in the central region and one
// regional stack per workload region. Per-service resources live in nested
// stacks ("shards") of at most ServicesPerShard services, so a platform of
// hundreds of services stays under CloudFormation's per-template limits.
package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// Platform is every stack of one platform.
type Platform struct {
	Config   *config.Platform
	Central  *Central
	Regional []*Regional
	// Billing is the billing alarm and budget, in the central stack or,
	// when the central region is not us-east-1, in BillingStack.
	Billing      *governance.Billing
	BillingStack awscdk.Stack
	// CostReport is the synth-time cost estimate; nil without cost volumes.
	CostReport *cost.Report
	// CostWarning is set when the estimate nears the budget.
	CostWarning string
}

// Central is the aggregation stack in the central region.
type Central struct {
	Stack awscdk.Stack
	// Metrics is the central stream, archive and writer role.
	Metrics *metricstream.Central
	// Observability is the Grafana workspace and/or CloudWatch dashboard.
	Observability *grafana.Observability
}

// Regional is one workload region's stack.
type Regional struct {
	Stack  awscdk.Stack
	Region string
	// Key encrypts regional data at rest (log groups, topics, queues).
	Key awskms.Key
	// Shards hold the per-service resources.
	Shards []*Shard
	// Tracing holds the X-Ray sampling rules, groups and collector config.
	Tracing *sampling.Tracing
	// LogArchive is the region's S3 archive and INFO/critical-event Firehose.
	LogArchive *logtiers.Archive
	// LogRouter receives critical events from every service's
	// subscription filters and forwards them to LogArchive; its one invoke
	// permission covers every /o11yscale/ log group.
	LogRouter *logtiers.Router
	// Alerting is the alerts and incidents topics and the enricher.
	Alerting *anomaly.Alerting
	// Forwarder and MetricStream deliver metrics to the central stream;
	// either may be nil depending on the region's delivery mode.
	Forwarder    *metricstream.Forwarder
	MetricStream *metricstream.Stream
}

// Shard is a nested stack holding a group of services.
type Shard struct {
	Stack    awscdk.NestedStack
	Services []config.Service
}

// Build creates all stacks under app. account may be empty, in which case
// templates are environment-agnostic in the account (region stays fixed).
func Build(app constructs.Construct, cfg *config.Platform, account string) (*Platform, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	env := func(region string) *awscdk.Environment {
		e := &awscdk.Environment{Region: jsii.String(region)}
		if account != "" {
			e.Account = jsii.String(account)
		}
		return e
	}
	p := &Platform{Config: cfg}
	if err := estimateCost(p, cfg); err != nil {
		return nil, err
	}

	centralID := cfg.Name + "-central"
	cs := awscdk.NewStack(app, jsii.String(centralID), &awscdk.StackProps{
		Env:         env(cfg.CentralRegion),
		StackName:   jsii.String(centralID),
		Description: jsii.String(fmt.Sprintf("o11yscale %s: central aggregation in %s", cfg.Name, cfg.CentralRegion)),
	})
	p.Central = &Central{Stack: cs}
	var err error
	if p.Central.Metrics, err = metricstream.NewCentral(cs, "Metrics", cfg.CentralMetricsProps()); err != nil {
		return nil, err
	}
	if p.Central.Observability, err = grafana.NewObservability(cs, "Dashboards", cfg.GrafanaProps(cs)); err != nil {
		return nil, err
	}

	for _, region := range cfg.Regions {
		id := cfg.Name + "-" + region
		rs := awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{
			Env:         env(region),
			StackName:   jsii.String(id),
			Description: jsii.String(fmt.Sprintf("o11yscale %s: workload region %s", cfg.Name, region)),
		})
		// Regional resources name central ones deterministically instead of
		// importing exports, so only the deploy order needs stating.
		rs.AddDependency(cs, jsii.String("regional stacks send data to the central stack"))
		r := &Regional{Stack: rs, Region: region, Key: newKey(rs, region)}
		if err := addRegional(r, cfg, p.Central.Metrics); err != nil {
			return nil, err
		}
		for i, services := range cfg.Shards() {
			ns := awscdk.NewNestedStack(rs, jsii.String(fmt.Sprintf("Services%02d", i+1)), &awscdk.NestedStackProps{
				Description: jsii.String(fmt.Sprintf("o11yscale %s %s: services %s to %s", cfg.Name, region, services[0].Name, services[len(services)-1].Name)),
			})
			shard := &Shard{Stack: ns, Services: services}
			for _, svc := range services {
				if err := addService(r, shard, cfg, svc); err != nil {
					return nil, err
				}
			}
			r.Shards = append(r.Shards, shard)
		}
		p.Regional = append(p.Regional, r)
	}
	guard, err := logtiers.NewRetentionGuard(cfg.Logs.RetentionGuardProps())
	if err != nil {
		return nil, err
	}
	guard.Apply(app)
	if err := addGovernance(app, p, cfg, env); err != nil {
		return nil, err
	}
	for k, v := range cfg.Tags {
		awscdk.Tags_Of(app).Add(jsii.String(k), jsii.String(v), nil)
	}
	awscdk.Tags_Of(app).Add(jsii.String("o11yscale:platform"), jsii.String(cfg.Name), nil)
	return p, nil
}

// newKey creates the region's rotating KMS key for log groups, topics and
// queues; CloudWatch Logs may use it for this account's log groups.
func newKey(stack awscdk.Stack, purpose string) awskms.Key {
	key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{
		Description:       jsii.String("o11yscale " + purpose + " data at rest"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	// CloudWatch Logs encrypts log groups only when the key policy names the
	// regional logs principal, scoped to this account's log groups.
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("logs."+*stack.Region()+".amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{"ArnLike": map[string]any{
			"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", *stack.Partition(), *stack.Region(), *stack.Account()),
		}},
	}), nil)
	return key
}
