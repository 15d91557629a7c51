package quotas_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/quotas"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

const account = "111122223333"

// build creates the resources of one case in stacks of one account and
// region (several stacks where one template could not hold them).
type build func(app awscdk.App, region string) []awscdk.Stack

func stack(app awscdk.App, id, region string) awscdk.Stack {
	return awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}})
}

// many puts n resources made by add into ceil(n/per) stacks.
func many(n, per int, add func(s awscdk.Stack, i int)) build {
	return func(app awscdk.App, region string) []awscdk.Stack {
		var out []awscdk.Stack
		for i := range n {
			if i%per == 0 {
				out = append(out, stack(app, fmt.Sprintf("S%d", len(out)), region))
			}
			add(out[len(out)-1], i)
		}
		return out
	}
}

func id(prefix string, i int) *string { return jsii.String(fmt.Sprintf("%s%d", prefix, i)) }

func alarm(s awscdk.Stack, i int, anomaly bool) {
	p := &awscloudwatch.CfnAlarmProps{
		AlarmName: id("alarm-", i), ComparisonOperator: jsii.String("GreaterThanThreshold"), EvaluationPeriods: jsii.Number(1),
		MetricName: jsii.String("Errors"), Namespace: jsii.String("App"), Period: jsii.Number(60), Statistic: jsii.String("Sum"), Threshold: jsii.Number(1),
	}
	if anomaly {
		p = &awscloudwatch.CfnAlarmProps{
			AlarmName: id("band-", i), ComparisonOperator: jsii.String("GreaterThanUpperThreshold"), EvaluationPeriods: jsii.Number(1),
			ThresholdMetricId: jsii.String("ad1"),
			Metrics: &[]any{
				&awscloudwatch.CfnAlarm_MetricDataQueryProperty{Id: jsii.String("m1"), MetricStat: &awscloudwatch.CfnAlarm_MetricStatProperty{
					Metric: &awscloudwatch.CfnAlarm_MetricProperty{MetricName: id("m", i), Namespace: jsii.String("App")}, Period: jsii.Number(60), Stat: jsii.String("Average")}},
				&awscloudwatch.CfnAlarm_MetricDataQueryProperty{Id: jsii.String("ad1"), Expression: jsii.String("ANOMALY_DETECTION_BAND(m1, 2)")},
			},
		}
	}
	awscloudwatch.NewCfnAlarm(s, id("Alarm", i), p)
}

// policyStatements is a policy of n statements of about 150 characters.
func policyStatements(n int) *awsiam.PolicyDocument {
	var st []awsiam.PolicyStatement
	for i := range n {
		// A Sid keeps CDK from merging the statements into one.
		st = append(st, awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String(fmt.Sprintf("S%03d", i)),
			Actions:   jsii.Strings("s3:GetObject"),
			Resources: jsii.Strings(fmt.Sprintf("arn:aws:s3:::bucket-%03d-with-a-fairly-long-name-for-size/prefix/%03d/*", i, i)),
		}))
	}
	doc := awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &st})
	return &doc
}

var cases = []struct {
	quota  string
	region string
	over   build
	want   string
	// raise is the override that lets the case pass; empty for a quota
	// AWS does not raise.
	raise int
}{
	{"xray/samplingRules", "eu-west-1", many(26, 100, func(s awscdk.Stack, i int) {
		awsxray.NewCfnSamplingRule(s, id("Rule", i), &awsxray.CfnSamplingRuleProps{SamplingRule: &awsxray.CfnSamplingRule_SamplingRuleProperty{
			RuleName: id("r", i), Priority: jsii.Number(float64(i + 1)), FixedRate: jsii.Number(0.1), ReservoirSize: jsii.Number(1),
			Host: jsii.String("*"), HttpMethod: jsii.String("*"), ResourceArn: jsii.String("*"), ServiceName: jsii.String("*"),
			ServiceType: jsii.String("*"), UrlPath: jsii.String("*"), Version: jsii.Number(1)}})
	}), "26 of X-Ray sampling rules is over the quota of 25 per account-region", 30},
	{"xray/groups", "eu-west-1", many(26, 100, func(s awscdk.Stack, i int) {
		awsxray.NewCfnGroup(s, id("Group", i), &awsxray.CfnGroupProps{GroupName: id("g", i), FilterExpression: jsii.String("fault = true")})
	}), "26 of X-Ray groups is over the quota of 25 per account-region", 0},
	{"oam/sinks", "eu-west-1", many(2, 1, func(s awscdk.Stack, i int) {
		awsoam.NewCfnSink(s, id("Sink", i), &awsoam.CfnSinkProps{Name: id("sink", i)})
	}), "2 of OAM sinks is over the quota of 1 per account-region", 0},
	{"oam/links", "eu-west-1", many(6, 100, func(s awscdk.Stack, i int) {
		awsoam.NewCfnLink(s, id("Link", i), &awsoam.CfnLinkProps{ResourceTypes: jsii.Strings("AWS::CloudWatch::Metric"),
			SinkIdentifier: jsii.String(fmt.Sprintf("arn:aws:oam:eu-west-1:99998888777%d:sink/x", i)), LabelTemplate: jsii.String("$AccountName")})
	}), "6 of OAM links (monitoring accounts of a source account) is over the quota of 5", 0},
	{"cloudwatch/metricStreamFilters", "eu-west-1", func(app awscdk.App, region string) []awscdk.Stack {
		// 999 namespace filters and one filter naming two metrics: 1,001.
		s := stack(app, "S", region)
		var filters []any
		for i := range 999 {
			filters = append(filters, &awscloudwatch.CfnMetricStream_MetricStreamFilterProperty{Namespace: id("App", i)})
		}
		filters = append(filters, &awscloudwatch.CfnMetricStream_MetricStreamFilterProperty{Namespace: jsii.String("AWS/Lambda"), MetricNames: jsii.Strings("Errors", "Throttles")})
		awscloudwatch.NewCfnMetricStream(s, jsii.String("Stream"), &awscloudwatch.CfnMetricStreamProps{
			Name: jsii.String("wide"), IncludeFilters: &filters,
			FirehoseArn: jsii.String("arn:aws:firehose:eu-west-1:111122223333:deliverystream/x"), RoleArn: jsii.String("arn:aws:iam::111122223333:role/x"), OutputFormat: jsii.String("json")})
		return []awscdk.Stack{s}
	}, "metric stream wide: 1001 of filters of a metric stream is over the quota of 1000", 0},
	{"cloudwatch/anomalyDetectors", "eu-west-1", many(501, 450, func(s awscdk.Stack, i int) { alarm(s, i, true) }),
		"501 of CloudWatch anomaly detection models is over the quota of 500", 1000},
	{"applicationsignals/burnRateConfigurations", "eu-west-1", func(app awscdk.App, region string) []awscdk.Stack {
		s := stack(app, "S", region)
		var cfgs []any
		for i := range 11 {
			cfgs = append(cfgs, &awsapplicationsignals.CfnServiceLevelObjective_BurnRateConfigurationProperty{LookBackWindowMinutes: jsii.Number(float64(i + 1))})
		}
		awsapplicationsignals.NewCfnServiceLevelObjective(s, jsii.String("SLO"), &awsapplicationsignals.CfnServiceLevelObjectiveProps{
			Name: jsii.String("many-windows"), BurnRateConfigurations: &cfgs,
		})
		return []awscdk.Stack{s}
	}, "SLO many-windows: 11 of burn-rate configurations of an SLO is over the quota of 10", 0},
	{"cloudwatch/compositeChildren", "eu-west-1", func(app awscdk.App, region string) []awscdk.Stack {
		s := stack(app, "S", region)
		var parts []string
		for i := range 101 {
			parts = append(parts, fmt.Sprintf(`ALARM("alarm-%d")`, i))
		}
		awscloudwatch.NewCfnCompositeAlarm(s, jsii.String("Composite"), &awscloudwatch.CfnCompositeAlarmProps{AlarmName: jsii.String("big"), AlarmRule: jsii.String(strings.Join(parts, " OR "))})
		return []awscdk.Stack{s}
	}, "composite alarm big: 101 of alarms in a composite alarm's rule is over the quota of 100", 0},
	{"cloudwatch/compositeParents", "eu-west-1", many(151, 450, func(s awscdk.Stack, i int) {
		awscloudwatch.NewCfnCompositeAlarm(s, id("Composite", i), &awscloudwatch.CfnCompositeAlarmProps{AlarmName: id("c", i), AlarmRule: jsii.String(`ALARM("shared") OR OK("other")`)})
	}), "alarm shared: 151 of composite alarms naming one alarm is over the quota of 150", 0},
	{"firehose/deliveryStreams", "il-central-1", many(101, 200, func(s awscdk.Stack, i int) {
		awskinesisfirehose.NewCfnDeliveryStream(s, id("Stream", i), &awskinesisfirehose.CfnDeliveryStreamProps{
			S3DestinationConfiguration: &awskinesisfirehose.CfnDeliveryStream_S3DestinationConfigurationProperty{
				BucketArn: jsii.String("arn:aws:s3:::b"), RoleArn: jsii.String("arn:aws:iam::111122223333:role/x")}})
	}), "region il-central-1: 101 of Firehose streams is over the quota of 100", 200},
	{"events/rulesPerBus", "eu-west-1", many(301, 450, func(s awscdk.Stack, i int) {
		awsevents.NewCfnRule(s, id("Rule", i), &awsevents.CfnRuleProps{EventPattern: map[string]any{"source": []string{fmt.Sprint("app", i)}}})
	}), "event bus default: 301 of EventBridge rules is over the quota of 300", 400},
	{"logs/metricFiltersPerLogGroup", "eu-west-1", many(101, 450, func(s awscdk.Stack, i int) {
		awslogs.NewCfnMetricFilter(s, id("Filter", i), &awslogs.CfnMetricFilterProps{LogGroupName: jsii.String("/app/api"), FilterPattern: jsii.String("ERROR"),
			MetricTransformations: &[]any{&awslogs.CfnMetricFilter_MetricTransformationProperty{MetricName: id("m", i), MetricNamespace: jsii.String("App"), MetricValue: jsii.String("1")}}})
	}), "log group S0 /app/api: 101 of metric filters is over the quota of 100", 0},
	{"logs/subscriptionFiltersPerLogGroup", "eu-west-1", func(app awscdk.App, region string) []awscdk.Stack {
		s := stack(app, "S", region)
		lg := awslogs.NewLogGroup(s, jsii.String("Logs"), &awslogs.LogGroupProps{Retention: awslogs.RetentionDays_ONE_WEEK})
		for i := range 3 {
			awslogs.NewCfnSubscriptionFilter(s, id("Sub", i), &awslogs.CfnSubscriptionFilterProps{LogGroupName: lg.LogGroupName(), FilterPattern: jsii.String(""),
				DestinationArn: jsii.String("arn:aws:firehose:eu-west-1:111122223333:deliverystream/x")})
		}
		return []awscdk.Stack{s}
	}, `3 of subscription filters is over the quota of 2 per log group`, 0},
	{"lambda/resourcePolicySize", "eu-west-1", many(120, 450, func(s awscdk.Stack, i int) {
		awslambda.NewCfnPermission(s, id("Invoke", i), &awslambda.CfnPermissionProps{Action: jsii.String("lambda:InvokeFunction"), FunctionName: jsii.String("router"),
			Principal: jsii.String("logs.amazonaws.com"), SourceArn: jsii.String(fmt.Sprintf("arn:aws:logs:eu-west-1:111122223333:log-group:/app/service-%03d:*", i))})
	}), "bytes of Lambda resource-based policy is over the quota of 20480 per function", 0},
	{"iam/rolePolicySize", "eu-west-1", func(app awscdk.App, region string) []awscdk.Stack {
		s := stack(app, "S", region)
		role := awsiam.NewRole(s, jsii.String("Role"), &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
			RoleName: jsii.String("big-role"), InlinePolicies: &map[string]awsiam.PolicyDocument{"a": *policyStatements(40)}})
		// A second inline policy adds to the same role's aggregate.
		awsiam.NewPolicy(s, jsii.String("More"), &awsiam.PolicyProps{Document: *policyStatements(40), Roles: &[]awsiam.IRole{role}})
		return []awscdk.Stack{s}
	}, "characters of inline policies of a role (non-whitespace) is over the quota of 10240 per role", 0},
	{"ssm/standardParameterSize", "eu-west-1", func(app awscdk.App, region string) []awscdk.Stack {
		s := stack(app, "S", region)
		awsssm.NewCfnParameter(s, jsii.String("Param"), &awsssm.CfnParameterProps{Name: jsii.String("/app/config"), Type: jsii.String("String"), Value: jsii.String(strings.Repeat("x", 5000))})
		return []awscdk.Stack{s}
	}, "parameter /app/config: 5000 characters of Standard-tier SSM parameter value is over the quota of 4096", 0},
	{"ssm/advancedParameterSize", "eu-west-1", func(app awscdk.App, region string) []awscdk.Stack {
		s := stack(app, "S", region)
		awsssm.NewCfnParameter(s, jsii.String("Param"), &awsssm.CfnParameterProps{Name: jsii.String("/app/config"), Type: jsii.String("String"), Tier: jsii.String("Advanced"), Value: jsii.String(strings.Repeat("x", 9000))})
		return []awscdk.Stack{s}
	}, "9000 characters of Advanced-tier SSM parameter value is over the quota of 8192", 0},
}

// synth builds a case with the check attached, synthesizes it and returns
// the breach and the output directory.
func synth(t *testing.T, b build, region string, props quotas.Props) (error, string) {
	t.Helper()
	dir := t.TempDir()
	app := cdktest.NewApp(t, dir)
	stacks := b(app, region)
	var quotaErr error
	quotas.Attach(stacks[0], func() []awscdk.Stack { return stacks }, props, func(_ []quotas.Usage, err error) { quotaErr = err })
	func() {
		defer func() {
			if r := recover(); r != nil && quotaErr == nil {
				t.Fatalf("synth failed without a quota breach: %v", r)
			}
		}()
		app.Synth(nil)
	}()
	return quotaErr, dir
}

func TestEachQuotaIsExceededByGeneratedResourcesAndStopsSynthBeforeWriting(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.quota] = true
		t.Run(c.quota, func(t *testing.T) {
			err, dir := synth(t, c.over, c.region, quotas.Props{})
			if err == nil {
				t.Fatal("over-quota resources synthesized")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "account "+account+", region "+c.region) {
				t.Errorf("error lacks %q (and the account-region):\n%v", c.want, err)
			}
			service, name, _ := strings.Cut(c.quota, "/")
			q, _ := quotas.Lookup(service, name)
			if !strings.Contains(err.Error(), q.Source) {
				t.Errorf("error does not cite %s", q.Source)
			}
			if _, statErr := os.Stat(filepath.Join(dir, "manifest.json")); statErr == nil {
				t.Error("a cloud assembly manifest was written")
			}
			if templates, _ := filepath.Glob(filepath.Join(dir, "*.template.json")); len(templates) > 0 {
				t.Errorf("templates were written: %v", templates)
			}
			if c.raise == 0 {
				if q.Adjustable {
					t.Errorf("%s is adjustable but the case raises nothing", c.quota)
				}
				return
			}
			err, dir = synth(t, c.over, c.region, quotas.Props{Overrides: []quotas.Override{{Service: service, Quota: name, Value: c.raise}}})
			if err != nil {
				t.Fatalf("raised to %d, still fails: %v", c.raise, err)
			}
			if _, statErr := os.Stat(filepath.Join(dir, "manifest.json")); statErr != nil {
				t.Errorf("no assembly written once the quota was raised: %v", statErr)
			}
		})
	}
	for _, q := range quotas.Table {
		if !seen[q.ID()] && q.ID() != "oam/linksPerSink" {
			t.Errorf("no generated case exceeds %s", q.ID())
		}
	}
}
