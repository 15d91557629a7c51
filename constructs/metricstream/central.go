// Package metricstream implements cross-region metric aggregation (the
// seed's Example 2): a central Kinesis stream, a Firehose that archives it to
// S3 partitioned by region and date, the role regional forwarders assume to
// write, the scheduled regional forwarder Lambda, and CloudWatch Metric
// Streams as the push-based alternative.
//
// Central and regional resources find each other by deterministic names
// (see Names), so regional stacks in other regions need no cross-region
// exports; only the deploy order matters.
package metricstream

import (
	"fmt"
	"math"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/archive"
	"github.com/o11yscale/o11yscale/constructs/nag"
	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Kinesis per-shard write limits.
const (
	ShardRecordsPerSecond = 1000
	ShardBytesPerSecond   = 1 << 20
)

// Stream capacity modes.
const (
	OnDemand    = "on-demand"
	Provisioned = "provisioned"
)

// Names are the deterministic names shared by the central and regional
// stacks of one platform.
type Names struct {
	// Platform is the platform name, e.g. "o11yscale".
	Platform string
}

// Stream is the central Kinesis stream name.
func (n Names) Stream() string { return n.Platform + "-metrics" }

// WriterRole is the name of the role forwarders assume to put records.
func (n Names) WriterRole() string { return n.Platform + "-metrics-writer" }

// ForwarderRolePrefix starts the name of every regional forwarder role; the
// writer role trusts only roles with this prefix.
func (n Names) ForwarderRolePrefix() string { return n.Platform + "-forwarder-" }

// Bucket is the central archive bucket name for an account and region
// (tokens are fine: each stack resolves its own account).
func (n Names) Bucket(account, region string) string {
	return n.Platform + "-metrics-" + account + "-" + region
}

// CentralProps configures the central aggregation resources.
type CentralProps struct {
	// Name is the platform name used for deterministic names.
	// Default: "o11yscale".
	Name string `yaml:"-" json:"-"`
	// Mode is "on-demand" or "provisioned". Default: "on-demand".
	Mode string `yaml:"mode,omitempty" json:"mode,omitempty"`
	// RecordsPerSecond and BytesPerSecond are the expected peak write
	// rate; in provisioned mode they size the stream. Default: 0.
	RecordsPerSecond float64 `yaml:"recordsPerSecond,omitempty" json:"recordsPerSecond,omitempty"`
	BytesPerSecond   float64 `yaml:"bytesPerSecond,omitempty" json:"bytesPerSecond,omitempty"`
	// Headroom multiplies the computed shard need. Default: 1.5.
	Headroom float64 `yaml:"headroom,omitempty" json:"headroom,omitempty"`
	// RetentionHours of the stream, 24-8760. Default: 24.
	RetentionHours int `yaml:"retentionHours,omitempty" json:"retentionHours,omitempty"`
	// GlacierAfterDays moves archived metrics to S3 Glacier Flexible
	// Retrieval. Default: 90.
	GlacierAfterDays int `yaml:"glacierAfterDays,omitempty" json:"glacierAfterDays,omitempty"`
	// ExpireAfterDays deletes archived metrics; must exceed
	// GlacierAfterDays. Default: 730.
	ExpireAfterDays int `yaml:"expireAfterDays,omitempty" json:"expireAfterDays,omitempty"`
	// WorkloadAccounts may also assume the writer role (cross-account).
	// Default: none; the stack's own account always may.
	WorkloadAccounts []string `yaml:"workloadAccounts,omitempty" json:"workloadAccounts,omitempty"`
}

func (p CentralProps) withDefaults() CentralProps {
	if p.Name == "" {
		p.Name = "o11yscale"
	}
	if p.Mode == "" {
		p.Mode = OnDemand
	}
	if p.Headroom == 0 {
		p.Headroom = 1.5
	}
	if p.RetentionHours == 0 {
		p.RetentionHours = 24
	}
	if p.GlacierAfterDays == 0 {
		p.GlacierAfterDays = 90
	}
	if p.ExpireAfterDays == 0 {
		p.ExpireAfterDays = 730
	}
	return p
}

// Validate reports every invalid field.
func (p CentralProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	if p.Mode != OnDemand && p.Mode != Provisioned {
		v.Add("mode", p.Mode, "on-demand or provisioned")
	}
	if p.Mode == Provisioned && p.RecordsPerSecond <= 0 && p.BytesPerSecond <= 0 {
		v.Add("recordsPerSecond", p.RecordsPerSecond, "a positive expected rate (or bytesPerSecond) to size a provisioned stream")
	}
	if p.RecordsPerSecond < 0 {
		v.Add("recordsPerSecond", p.RecordsPerSecond, "0 or more")
	}
	if p.BytesPerSecond < 0 {
		v.Add("bytesPerSecond", p.BytesPerSecond, "0 or more")
	}
	if p.Headroom < 1 || p.Headroom > 10 {
		v.Add("headroom", p.Headroom, "1-10 (a multiplier on the computed shard need)")
	}
	if p.RetentionHours < 24 || p.RetentionHours > 8760 {
		v.Add("retentionHours", p.RetentionHours, "24-8760 hours")
	}
	if p.GlacierAfterDays < 1 {
		v.Add("glacierAfterDays", p.GlacierAfterDays, "1 or more days")
	}
	if p.ExpireAfterDays <= p.GlacierAfterDays {
		v.Add("expireAfterDays", p.ExpireAfterDays, "more than glacierAfterDays (%d)", p.GlacierAfterDays)
	}
	for i, a := range p.WorkloadAccounts {
		if len(a) != 12 || strings.Trim(a, "0123456789") != "" {
			v.Add(validation.Index("workloadAccounts", i), a, "a 12-digit AWS account id")
		}
	}
	if n, _ := p.Shards(); n > 10000 {
		v.Add("recordsPerSecond", p.RecordsPerSecond, "a rate needing at most 10,000 shards (this needs %d)", n)
	}
	return v.Err()
}

// Shards computes the provisioned shard count and shows the arithmetic:
// each shard takes 1,000 records/s and 1 MiB/s, times Headroom.
func (p CentralProps) Shards() (int, string) {
	p = p.withDefaults()
	byRecords := p.RecordsPerSecond / ShardRecordsPerSecond
	byBytes := p.BytesPerSecond / ShardBytesPerSecond
	need := math.Max(byRecords, byBytes)
	shards := max(1, int(math.Ceil(need*p.Headroom)))
	return shards, fmt.Sprintf("shards = ceil(max(%.0f records/s / %d, %.0f B/s / %d) x headroom %.2f) = ceil(max(%.3f, %.3f) x %.2f) = %d",
		p.RecordsPerSecond, ShardRecordsPerSecond, p.BytesPerSecond, ShardBytesPerSecond, p.Headroom, byRecords, byBytes, p.Headroom, shards)
}

// Central is the central aggregation: stream, archive and writer role.
type Central struct {
	constructs.Construct
	Names  Names
	Stream awskinesis.Stream
	// Bucket archives every metric record, gzip, partitioned by region
	// and date.
	Bucket awss3.Bucket
	// AccessLogs receives the archive bucket's server access logs.
	AccessLogs     awss3.Bucket
	DeliveryStream awskinesisfirehose.CfnDeliveryStream
	// WriterRole is assumed by regional forwarders to put records.
	WriterRole awsiam.Role
	// Capacity describes the stream mode and, when provisioned, the shard
	// arithmetic.
	Capacity string
}

// NewCentral creates the central stream, archive and writer role.
func NewCentral(scope constructs.Construct, id string, props CentralProps) (*Central, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("metricstream %s/%s: %w", *scope.Node().Path(), id, err)
	}
	p := props.withDefaults()
	c := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(c)
	names := Names{Platform: p.Name}
	out := &Central{Construct: c, Names: names}

	streamProps := &awskinesis.StreamProps{
		StreamName:      jsii.String(names.Stream()),
		Encryption:      awskinesis.StreamEncryption_MANAGED,
		RetentionPeriod: awscdk.Duration_Hours(jsii.Number(float64(p.RetentionHours))),
		StreamMode:      awskinesis.StreamMode_ON_DEMAND,
	}
	out.Capacity = "on-demand capacity: Kinesis scales shards with the write rate"
	if p.Mode == Provisioned {
		n, arithmetic := p.Shards()
		streamProps.StreamMode = awskinesis.StreamMode_PROVISIONED
		streamProps.ShardCount = jsii.Number(float64(n))
		out.Capacity = "provisioned: " + arithmetic
	}
	out.Stream = awskinesis.NewStream(c, jsii.String("Stream"), streamProps)

	buckets := archive.New(c, "Archive", archive.Props{
		BucketName:      names.Bucket(*stack.Account(), *stack.Region()),
		TransitionClass: awss3.StorageClass_GLACIER(), TransitionDays: p.GlacierAfterDays, ExpirationDays: p.ExpireAfterDays,
		NoncurrentExpirationDays: 30, AccessLogExpirationDays: 365,
		AccessLogPrefix: "metrics-archive/", Removal: awscdk.RemovalPolicy_RETAIN,
	})
	out.Bucket, out.AccessLogs = buckets.Bucket, buckets.AccessLogs

	logGroup := awslogs.NewLogGroup(c, jsii.String("DeliveryErrors"), &awslogs.LogGroupProps{
		Retention:     retention.Enum(30),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	logStream := logGroup.AddStream(jsii.String("S3Delivery"), nil)

	role := awsiam.NewRole(c, jsii.String("DeliveryRole"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("firehose.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}},
		}),
		Description: jsii.String("Firehose reads the central metric stream and writes the archive"),
	})
	out.Stream.GrantRead(role)
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
			"s3:ListBucketMultipartUploads", "s3:PutObject"),
		Resources: &[]*string{out.Bucket.BucketArn(), out.Bucket.ArnForObjects(jsii.String("metrics/*")), out.Bucket.ArnForObjects(jsii.String("errors/*"))},
	}))
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("logs:PutLogEvents"),
		Resources: &[]*string{jsii.String(fmt.Sprintf("%s:log-stream:%s", *logGroup.LogGroupArn(), *logStream.LogStreamName()))},
	}))
	nag.Suppress(role.Node().TryFindChild(jsii.String("DefaultPolicy")), nag.Suppression{ID: "AwsSolutions-IAM5",
		AppliesTo: []string{"Resource::<" + *stack.GetLogicalId(out.Bucket.Node().DefaultChild().(awscdk.CfnResource)) + ".Arn>/metrics/*",
			"Resource::<" + *stack.GetLogicalId(out.Bucket.Node().DefaultChild().(awscdk.CfnResource)) + ".Arn>/errors/*"},
		Reason: "Firehose writes objects with generated names under the metrics/ and errors/ prefixes only"})

	out.DeliveryStream = awskinesisfirehose.NewCfnDeliveryStream(c, jsii.String("Delivery"), &awskinesisfirehose.CfnDeliveryStreamProps{
		DeliveryStreamType: jsii.String("KinesisStreamAsSource"),
		KinesisStreamSourceConfiguration: &awskinesisfirehose.CfnDeliveryStream_KinesisStreamSourceConfigurationProperty{
			KinesisStreamArn: out.Stream.StreamArn(),
			RoleArn:          role.RoleArn(),
		},
		ExtendedS3DestinationConfiguration: &awskinesisfirehose.CfnDeliveryStream_ExtendedS3DestinationConfigurationProperty{
			BucketArn:         out.Bucket.BucketArn(),
			RoleArn:           role.RoleArn(),
			CompressionFormat: jsii.String("GZIP"),
			// Dynamic partitioning needs at least 64 MB buffers.
			BufferingHints:    &awskinesisfirehose.CfnDeliveryStream_BufferingHintsProperty{IntervalInSeconds: jsii.Number(300), SizeInMBs: jsii.Number(64)},
			Prefix:            jsii.String("metrics/region=!{partitionKeyFromQuery:region}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"),
			ErrorOutputPrefix: jsii.String("errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"),
			DynamicPartitioningConfiguration: &awskinesisfirehose.CfnDeliveryStream_DynamicPartitioningConfigurationProperty{
				Enabled: jsii.Bool(true),
			},
			ProcessingConfiguration: &awskinesisfirehose.CfnDeliveryStream_ProcessingConfigurationProperty{
				Enabled: jsii.Bool(true),
				Processors: &[]any{
					// A Kinesis record may hold several newline-delimited
					// JSON records; split them before partitioning.
					&awskinesisfirehose.CfnDeliveryStream_ProcessorProperty{Type: jsii.String("RecordDeAggregation"),
						Parameters: &[]any{&awskinesisfirehose.CfnDeliveryStream_ProcessorParameterProperty{ParameterName: jsii.String("SubRecordType"), ParameterValue: jsii.String("JSON")}}},
					&awskinesisfirehose.CfnDeliveryStream_ProcessorProperty{Type: jsii.String("MetadataExtraction"),
						Parameters: &[]any{
							&awskinesisfirehose.CfnDeliveryStream_ProcessorParameterProperty{ParameterName: jsii.String("MetadataExtractionQuery"), ParameterValue: jsii.String("{region: .region}")},
							&awskinesisfirehose.CfnDeliveryStream_ProcessorParameterProperty{ParameterName: jsii.String("JsonParsingEngine"), ParameterValue: jsii.String("JQ-1.6")},
						}},
					// Keep the archive newline-delimited JSON for Athena.
					&awskinesisfirehose.CfnDeliveryStream_ProcessorProperty{Type: jsii.String("AppendDelimiterToRecord")},
				},
			},
			CloudWatchLoggingOptions: &awskinesisfirehose.CfnDeliveryStream_CloudWatchLoggingOptionsProperty{
				Enabled: jsii.Bool(true), LogGroupName: logGroup.LogGroupName(), LogStreamName: logStream.LogStreamName(),
			},
		},
	})
	out.DeliveryStream.Node().AddDependency(role.Node().TryFindChild(jsii.String("DefaultPolicy")))
	nag.Suppress(out.DeliveryStream, nag.Suppression{ID: "AwsSolutions-KDF1",
		Reason: "Firehose server-side encryption applies to DirectPut only; the source stream is KMS-encrypted and the archive bucket encrypts at rest"})

	// Forwarders assume this role from their own (possibly other) account;
	// only roles named with the forwarder prefix may.
	accounts := append([]string{*stack.Account()}, p.WorkloadAccounts...)
	principals := make([]awsiam.IPrincipal, len(accounts))
	arns := make([]*string, len(accounts))
	for i, a := range accounts {
		principals[i] = awsiam.NewAccountPrincipal(jsii.String(a))
		arns[i] = jsii.String(fmt.Sprintf("arn:%s:iam::%s:role/%s*", *stack.Partition(), a, names.ForwarderRolePrefix()))
	}
	out.WriterRole = awsiam.NewRole(c, jsii.String("WriterRole"), &awsiam.RoleProps{
		RoleName: jsii.String(names.WriterRole()),
		AssumedBy: awsiam.NewCompositePrincipal(principals...).WithConditions(&map[string]any{
			"ArnLike": map[string]any{"aws:PrincipalArn": arns},
		}),
		Description: jsii.String("Assumed by o11yscale regional forwarders to put records on " + names.Stream()),
	})
	out.WriterRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("kinesis:PutRecords", "kinesis:PutRecord", "kinesis:DescribeStreamSummary", "kinesis:ListShards"),
		Resources: &[]*string{out.Stream.StreamArn()},
	}))
	return out, nil
}
