package metricstream

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/nag"
	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// ForwarderImportPath is the forwarder Lambda's main package.
const ForwarderImportPath = "github.com/o11yscale/o11yscale/lambdas/forwarder"

// Lambda's environment is limited to 4 KB in all; larger metric sets go
// to an SSM parameter, whose Advanced tier holds at most 8 KB.
const (
	inlineConfigLimit = 3072
	MaxConfigBytes    = 8192
)

// Metric is one CloudWatch metric the forwarder reads.
type Metric struct {
	Namespace  string            `yaml:"namespace" json:"namespace"`
	MetricName string            `yaml:"metricName" json:"metricName"`
	Dimensions map[string]string `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	// Statistics, e.g. [Average, Maximum, p99]. Default: Average, Minimum,
	// Maximum, Sum, SampleCount.
	Statistics []string `yaml:"statistics,omitempty" json:"statistics,omitempty"`
	// Period of the datapoints. Default: 60s.
	Period time.Duration `yaml:"period,omitempty" json:"period,omitempty"`
	Unit   string        `yaml:"unit,omitempty" json:"unit,omitempty"`
}

// Search is a CloudWatch SEARCH() expression the forwarder reads.
type Search struct {
	Expression string `yaml:"expression" json:"expression"`
	// Statistic. Default: Average.
	Statistic string `yaml:"statistic,omitempty" json:"statistic,omitempty"`
	// Period. Default: 60s.
	Period time.Duration `yaml:"period,omitempty" json:"period,omitempty"`
}

// ForwarderProps configures one region's metric forwarder.
type ForwarderProps struct {
	// Name is the platform name (deterministic names). Default: "o11yscale".
	Name string `yaml:"-" json:"-"`
	// CentralRegion holds the central stream. Required.
	CentralRegion string `yaml:"-" json:"-"`
	// CentralAccount owns the central stream. Default: this stack's account.
	CentralAccount string `yaml:"centralAccount,omitempty" json:"centralAccount,omitempty"`
	// Schedule is how often the forwarder runs, and the window it forwards.
	// Default: 5m.
	Schedule time.Duration `yaml:"schedule,omitempty" json:"schedule,omitempty"`
	// Delay lets CloudWatch settle before a window is read. Default: 3m.
	Delay time.Duration `yaml:"delay,omitempty" json:"delay,omitempty"`
	// Metrics and Searches to forward; at least one.
	Metrics  []Metric `yaml:"metrics,omitempty" json:"metrics,omitempty"`
	Searches []Search `yaml:"searches,omitempty" json:"searches,omitempty"`
	// Function overrides the Lambda settings (ImportPath is fixed).
	Function golambda.Props `yaml:"-" json:"-"`
}

func (p ForwarderProps) withDefaults() ForwarderProps {
	if p.Name == "" {
		p.Name = "o11yscale"
	}
	if p.Schedule == 0 {
		p.Schedule = 5 * time.Minute
	}
	if p.Delay == 0 {
		p.Delay = 3 * time.Minute
	}
	return p
}

// lambdaConfig converts the props to the forwarder's own configuration,
// which validates every field the Lambda will see.
func (p ForwarderProps) lambdaConfig(streamRegion, roleArn string) contract.Config {
	cfg := contract.Config{
		StreamName:      Names{Platform: p.Name}.Stream(),
		CentralRegion:   streamRegion,
		RoleARN:         roleArn,
		IntervalSeconds: int(p.Schedule / time.Second),
		DelaySeconds:    int(p.Delay / time.Second),
	}
	for _, m := range p.Metrics {
		cfg.Metrics = append(cfg.Metrics, contract.Metric{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions,
			Statistics: m.Statistics, PeriodSeconds: int(m.Period / time.Second), Unit: m.Unit})
	}
	for _, s := range p.Searches {
		cfg.SearchExpressions = append(cfg.SearchExpressions, contract.SearchExpression{Expression: s.Expression, Statistic: s.Statistic, PeriodSeconds: int(s.Period / time.Second)})
	}
	return cfg
}

// Validate reports every invalid field.
func (p ForwarderProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	if p.Schedule%time.Minute != 0 || p.Schedule < time.Minute {
		v.Add("schedule", p.Schedule.String(), "whole minutes, at least 1m")
	}
	if p.Delay%time.Second != 0 || p.Delay < 0 {
		v.Add("delay", p.Delay.String(), "whole seconds, 0 or more")
	}
	for i, m := range p.Metrics {
		if m.Period%time.Second != 0 {
			v.Add(validation.Index("metrics", i)+".period", m.Period.String(), "whole seconds")
		}
	}
	if p.CentralAccount != "" && (len(p.CentralAccount) != 12) {
		v.Add("centralAccount", p.CentralAccount, "a 12-digit AWS account id")
	}
	// The Lambda's own validation covers the metric set and window rules;
	// its field names follow the Lambda's JSON, so map them to ours.
	cfg := p.lambdaConfig("us-east-1", "")
	if err := cfg.Validate(); err != nil {
		v.Merge("", err)
	}
	return v.Err()
}

// Forwarder is one region's scheduled metric forwarder.
type Forwarder struct {
	constructs.Construct
	Function *golambda.Function
	Rule     awsevents.Rule
	// ConfigParameter holds the metric set when it is too large for the
	// Lambda environment; nil otherwise.
	ConfigParameter awsssm.StringParameter
}

// NewForwarder creates the forwarder Lambda and its schedule.
func NewForwarder(scope constructs.Construct, id string, props ForwarderProps) (*Forwarder, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("metricstream %s/%s: %w", *scope.Node().Path(), id, err)
	}
	if props.CentralRegion == "" {
		return nil, fmt.Errorf("metricstream %s/%s: centralRegion is required", *scope.Node().Path(), id)
	}
	p := props.withDefaults()
	c := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(c)
	names := Names{Platform: p.Name}
	account := p.CentralAccount
	if account == "" {
		account = *stack.Account()
	}
	writerRole := fmt.Sprintf("arn:%s:iam::%s:role/%s", *stack.Partition(), account, names.WriterRole())
	cfg := p.lambdaConfig(p.CentralRegion, writerRole)
	doc, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	// The role ARN holds tokens that resolve to at most ~60 more bytes.
	if len(doc)+64 > MaxConfigBytes {
		return nil, fmt.Errorf("metricstream %s: metrics: a forwarder config of %d bytes is not allowed; at most %d (an Advanced SSM parameter): forward fewer metrics, or use searches (one SEARCH covers a whole namespace dimension)",
			*c.Node().Path(), len(doc)+64, MaxConfigBytes)
	}
	out := &Forwarder{Construct: c}

	fp := p.Function
	fp.ImportPath = ForwarderImportPath
	if fp.Timeout == 0 {
		fp.Timeout = 2 * time.Minute
	}
	env := map[string]string{"LOG_LEVEL": "INFO"}
	for k, val := range fp.Environment {
		env[k] = val
	}
	if len(doc) <= inlineConfigLimit {
		env["FORWARDER_CONFIG"] = string(doc)
	} else {
		out.ConfigParameter = awsssm.NewStringParameter(c, jsii.String("Config"), &awsssm.StringParameterProps{
			StringValue: jsii.String(string(doc)),
			Tier:        awsssm.ParameterTier_ADVANCED,
			Description: jsii.String("o11yscale forwarder metric set"),
		})
		env["FORWARDER_CONFIG_PARAMETER"] = *out.ConfigParameter.ParameterName()
	}
	fp.Environment = env
	// The writer role trusts only roles with the forwarder prefix.
	fp.RoleName = names.ForwarderRolePrefix() + *stack.Region()
	fn, err := golambda.NewFunction(c, "Function", fp)
	if err != nil {
		return nil, err
	}
	out.Function = fn
	if out.ConfigParameter != nil {
		out.ConfigParameter.GrantRead(fn.Role)
	}
	fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("sts:AssumeRole"),
		Resources: jsii.Strings(writerRole),
	}))
	fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("cloudwatch:GetMetricData"),
		Resources: jsii.Strings("*"),
	}))
	nag.Suppress(fn.Role.Node().TryFindChild(jsii.String("DefaultPolicy")), nag.Suppression{ID: "AwsSolutions-IAM5", AppliesTo: []string{"Resource::*"},
		Reason: "cloudwatch:GetMetricData and the X-Ray write actions support no resource-level permissions; the stream is reached only through the scoped writer role"})

	out.Rule = awsevents.NewRule(c, jsii.String("Schedule"), &awsevents.RuleProps{
		// A cron on interval boundaries, not rate(): the forwarder's window
		// tolerates the most delivery jitter for events on the boundary.
		Schedule:    awsevents.Schedule_Expression(jsii.String(cfg.ScheduleExpression())),
		Description: jsii.String("Runs the o11yscale metric forwarder; each run forwards one aligned window"),
	})
	out.Rule.AddTarget(awseventstargets.NewLambdaFunction(fn.Function, &awseventstargets.LambdaFunctionProps{
		RetryAttempts: jsii.Number(2),
		MaxEventAge:   awscdk.Duration_Hours(jsii.Number(1)),
	}))
	return out, nil
}

// StreamProps configures a CloudWatch Metric Stream feeding the central
// archive from one region.
type StreamProps struct {
	// Name is the platform name. Default: "o11yscale".
	Name string `yaml:"-" json:"-"`
	// CentralRegion and CentralAccount locate the archive bucket.
	CentralRegion  string `yaml:"-" json:"-"`
	CentralAccount string `yaml:"-" json:"-"`
	// IncludeNamespaces or ExcludeNamespaces (not both). Default: include
	// AWS/ApiGateway, AWS/Lambda and O11yscale/Pipeline.
	IncludeNamespaces []string `yaml:"includeNamespaces,omitempty" json:"includeNamespaces,omitempty"`
	ExcludeNamespaces []string `yaml:"excludeNamespaces,omitempty" json:"excludeNamespaces,omitempty"`
	// OutputFormat: json, opentelemetry1.0 or opentelemetry0.7. Default: json
	// (it keeps the archive queryable with Athena).
	OutputFormat string `yaml:"outputFormat,omitempty" json:"outputFormat,omitempty"`
	// Statistics adds percentiles etc. for specific metrics (at most 100).
	Statistics []StreamStatistics `yaml:"statistics,omitempty" json:"statistics,omitempty"`
}

// StreamStatistics asks the stream for extra statistics of some metrics.
type StreamStatistics struct {
	Namespace  string   `yaml:"namespace" json:"namespace"`
	MetricName string   `yaml:"metricName" json:"metricName"`
	Statistics []string `yaml:"statistics" json:"statistics"`
}

func (p StreamProps) withDefaults() StreamProps {
	if p.Name == "" {
		p.Name = "o11yscale"
	}
	if p.OutputFormat == "" {
		p.OutputFormat = "json"
	}
	if len(p.IncludeNamespaces) == 0 && len(p.ExcludeNamespaces) == 0 {
		p.IncludeNamespaces = []string{"AWS/ApiGateway", "AWS/Lambda", "O11yscale/Pipeline"}
	}
	return p
}

// Validate reports every invalid field.
func (p StreamProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	switch p.OutputFormat {
	case "json", "opentelemetry1.0", "opentelemetry0.7":
	default:
		v.Add("outputFormat", p.OutputFormat, "json, opentelemetry1.0 or opentelemetry0.7")
	}
	if len(p.IncludeNamespaces) > 0 && len(p.ExcludeNamespaces) > 0 {
		v.Add("excludeNamespaces", p.ExcludeNamespaces, "empty when includeNamespaces is set: CloudWatch cannot combine include and exclude filters")
	}
	if len(p.Statistics) > 100 {
		v.Add("statistics", len(p.Statistics), "at most 100 statistics configurations")
	}
	for i, s := range p.Statistics {
		if s.Namespace == "" || s.MetricName == "" || len(s.Statistics) == 0 {
			v.Add(validation.Index("statistics", i), fmt.Sprintf("%+v", s), "a namespace, a metricName and at least one statistic")
		}
	}
	return v.Err()
}

// Stream is a regional CloudWatch Metric Stream and its Firehose.
type Stream struct {
	constructs.Construct
	MetricStream   awscloudwatch.CfnMetricStream
	DeliveryStream awskinesisfirehose.CfnDeliveryStream
}

// NewStream creates a metric stream that delivers, through a regional
// Firehose, into the central archive bucket under metrics/region=<region>/.
func NewStream(scope constructs.Construct, id string, props StreamProps) (*Stream, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("metricstream %s/%s: %w", *scope.Node().Path(), id, err)
	}
	p := props.withDefaults()
	c := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(c)
	account := p.CentralAccount
	if account == "" {
		account = *stack.Account()
	}
	bucketArn := fmt.Sprintf("arn:%s:s3:::%s", *stack.Partition(), Names{Platform: p.Name}.Bucket(account, p.CentralRegion))
	prefix := "metrics/region=" + *stack.Region() + "/"

	logGroup := awslogs.NewLogGroup(c, jsii.String("DeliveryErrors"), &awslogs.LogGroupProps{Retention: retention.Enum(30), RemovalPolicy: awscdk.RemovalPolicy_RETAIN})
	logStream := logGroup.AddStream(jsii.String("S3Delivery"), nil)
	role := awsiam.NewRole(c, jsii.String("DeliveryRole"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("firehose.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}},
		}),
	})
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"),
		Resources: jsii.Strings(bucketArn, bucketArn+"/"+prefix+"*", bucketArn+"/errors/*"),
	}))
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("logs:PutLogEvents"),
		Resources: &[]*string{jsii.String(fmt.Sprintf("%s:log-stream:%s", *logGroup.LogGroupArn(), *logStream.LogStreamName()))},
	}))
	nag.Suppress(role.Node().TryFindChild(jsii.String("DefaultPolicy")), nag.Suppression{ID: "AwsSolutions-IAM5",
		AppliesTo: []string{"Resource::" + bucketArn + "/" + prefix + "*", "Resource::" + bucketArn + "/errors/*"},
		Reason:    "Firehose writes objects with generated names under this region's prefix and the error prefix only"})

	out := &Stream{Construct: c}
	out.DeliveryStream = awskinesisfirehose.NewCfnDeliveryStream(c, jsii.String("Delivery"), &awskinesisfirehose.CfnDeliveryStreamProps{
		DeliveryStreamType: jsii.String("DirectPut"),
		DeliveryStreamEncryptionConfigurationInput: &awskinesisfirehose.CfnDeliveryStream_DeliveryStreamEncryptionConfigurationInputProperty{
			KeyType: jsii.String("AWS_OWNED_CMK"),
		},
		ExtendedS3DestinationConfiguration: &awskinesisfirehose.CfnDeliveryStream_ExtendedS3DestinationConfigurationProperty{
			BucketArn:         jsii.String(bucketArn),
			RoleArn:           role.RoleArn(),
			CompressionFormat: jsii.String("GZIP"),
			BufferingHints:    &awskinesisfirehose.CfnDeliveryStream_BufferingHintsProperty{IntervalInSeconds: jsii.Number(300), SizeInMBs: jsii.Number(5)},
			Prefix:            jsii.String(prefix + "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"),
			ErrorOutputPrefix: jsii.String("errors/!{firehose:error-output-type}/region=" + *stack.Region() + "/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"),
			CloudWatchLoggingOptions: &awskinesisfirehose.CfnDeliveryStream_CloudWatchLoggingOptionsProperty{
				Enabled: jsii.Bool(true), LogGroupName: logGroup.LogGroupName(), LogStreamName: logStream.LogStreamName(),
			},
		},
	})
	out.DeliveryStream.Node().AddDependency(role.Node().TryFindChild(jsii.String("DefaultPolicy")))

	streamRole := awsiam.NewRole(c, jsii.String("StreamRole"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("streams.metrics.cloudwatch.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}},
		}),
	})
	streamRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("firehose:PutRecord", "firehose:PutRecordBatch"),
		Resources: &[]*string{out.DeliveryStream.AttrArn()},
	}))
	filters := func(ns []string) *[]any {
		if len(ns) == 0 {
			return nil
		}
		out := make([]any, len(ns))
		for i, n := range ns {
			out[i] = &awscloudwatch.CfnMetricStream_MetricStreamFilterProperty{Namespace: jsii.String(n)}
		}
		return &out
	}
	msProps := &awscloudwatch.CfnMetricStreamProps{
		FirehoseArn:    out.DeliveryStream.AttrArn(),
		RoleArn:        streamRole.RoleArn(),
		OutputFormat:   jsii.String(p.OutputFormat),
		IncludeFilters: filters(p.IncludeNamespaces),
		ExcludeFilters: filters(p.ExcludeNamespaces),
	}
	if len(p.Statistics) > 0 {
		stats := make([]any, len(p.Statistics))
		for i, s := range p.Statistics {
			stats[i] = &awscloudwatch.CfnMetricStream_MetricStreamStatisticsConfigurationProperty{
				AdditionalStatistics: jsii.Strings(s.Statistics...),
				IncludeMetrics: &[]any{&awscloudwatch.CfnMetricStream_MetricStreamStatisticsMetricProperty{
					Namespace: jsii.String(s.Namespace), MetricName: jsii.String(s.MetricName)}},
			}
		}
		msProps.StatisticsConfigurations = &stats
	}
	out.MetricStream = awscloudwatch.NewCfnMetricStream(c, jsii.String("Resource"), msProps)
	out.MetricStream.Node().AddDependency(streamRole.Node().TryFindChild(jsii.String("DefaultPolicy")))
	return out, nil
}
