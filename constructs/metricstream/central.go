package metricstream

import (
	"fmt"

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
)

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

	region, account string
}

// CentralNames returns c.Names (CentralTarget).
func (c *Central) CentralNames() Names { return c.Names }

// CentralRegion is the region of the central stack (CentralTarget).
func (c *Central) CentralRegion() string { return c.region }

// CentralAccount is the account of the central stack, or "" when the
// stack is account-agnostic: then a regional stack uses its own account,
// which is where an app deploying both stacks with the same credentials
// puts the central one (CentralTarget).
func (c *Central) CentralAccount() string { return c.account }

// InAccount is c as a target in account, for regional stacks that must
// name the central account explicitly (cross-account delivery with an
// account-agnostic central stack). It is an error when the central stack
// has a concrete account that differs, or account is no account id.
func (c *Central) InAccount(account string) (CentralTarget, error) {
	switch {
	case len(account) != 12:
		return nil, fmt.Errorf("metricstream %s: central account %q is not a 12-digit AWS account id", *c.Node().Path(), account)
	case c.account != "" && c.account != account:
		return nil, fmt.Errorf("metricstream %s: the central stack is in account %s, not in the given central account %s", *c.Node().Path(), c.account, account)
	}
	return RemoteCentral{Names: c.Names, Region: c.region, Account: account}, nil
}

// requireOrg adds aws:PrincipalOrgID to a condition block when the props
// name an organization.
func (p CentralProps) requireOrg(cond map[string]any) {
	if p.OrganizationID != "" {
		cond["StringEquals"] = map[string]any{"aws:PrincipalOrgID": p.OrganizationID}
	}
}

// NewCentral creates the central stream, archive and writer role.
func NewCentral(scope constructs.Construct, id string, props CentralProps) (*Central, error) {
	if err := props.Validate(); err != nil {
		return nil, pathError(scope, id, err)
	}
	p := props.withDefaults()
	c := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(c)
	names := Names{Platform: p.Name}
	out := &Central{Construct: c, Names: names, region: *stack.Region()}
	if !*awscdk.Token_IsUnresolved(stack.Account()) {
		out.account = *stack.Account()
	}

	streamProps := &awskinesis.StreamProps{
		StreamName:      jsii.String(names.Stream()),
		Encryption:      awskinesis.StreamEncryption_MANAGED,
		RetentionPeriod: awscdk.Duration_Hours(jsii.Number(float64(p.RetentionHours))),
		StreamMode:      awskinesis.StreamMode_ON_DEMAND,
		RemovalPolicy:   p.RemovalPolicy,
	}
	out.Capacity = "on-demand capacity: Kinesis scales shards with the write rate"
	if p.Mode == awskinesis.StreamMode_PROVISIONED {
		n, arithmetic := p.Shards()
		streamProps.StreamMode = awskinesis.StreamMode_PROVISIONED
		streamProps.ShardCount = jsii.Number(float64(n))
		out.Capacity = "provisioned: " + arithmetic
	}
	out.Stream = awskinesis.NewStream(c, jsii.String("Stream"), streamProps)

	buckets := archive.New(c, "Archive", archive.Props{
		BucketName:      names.Bucket(*stack.Account(), *stack.Region()),
		TransitionClass: awss3.StorageClass_GLACIER(), TransitionDays: p.TransitionDays, ExpirationDays: p.ExpirationDays,
		NoncurrentExpirationDays: 30, AccessLogExpirationDays: 365,
		AccessLogPrefix: "metrics-archive/", Removal: p.RemovalPolicy,
	})
	out.Bucket, out.AccessLogs = buckets.Bucket, buckets.AccessLogs
	// Other accounts' metric-stream Firehoses: each account by id (never
	// "*"), only its delivery roles, only its own prefixes. The bucket is
	// SSE-S3 encrypted, so no key policy is involved.
	for _, a := range p.StreamAccounts {
		who := []awsiam.IPrincipal{awsiam.NewAccountPrincipal(jsii.String(a))}
		cond := &map[string]any{"ArnLike": map[string]any{
			"aws:PrincipalArn": fmt.Sprintf("arn:%s:iam::%s:role/%s*", *stack.Partition(), a, names.StreamDeliveryRolePrefix())}}
		p.requireOrg(*cond)
		out.Bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid: jsii.String("MetricStreamBucket" + a), Principals: &who, Conditions: cond,
			Actions:   jsii.Strings("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"),
			Resources: &[]*string{out.Bucket.BucketArn()},
		}))
		out.Bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid: jsii.String("MetricStreamObjects" + a), Principals: &who, Conditions: cond,
			Actions: jsii.Strings("s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"),
			Resources: &[]*string{out.Bucket.ArnForObjects(jsii.String("metrics/account=" + a + "/*")),
				out.Bucket.ArnForObjects(jsii.String("errors/account=" + a + "/*"))},
		}))
	}

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
		Resources: jsii.Strings(archive.LogStreamArn(stack, *logGroup.LogGroupName(), *logStream.LogStreamName())),
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
	trust := map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": arns}}
	p.requireOrg(trust)
	out.WriterRole = awsiam.NewRole(c, jsii.String("WriterRole"), &awsiam.RoleProps{
		RoleName:    jsii.String(names.WriterRole()),
		AssumedBy:   awsiam.NewCompositePrincipal(principals...).WithConditions(&trust),
		Description: jsii.String("Assumed by o11yscale regional forwarders to put records on " + names.Stream()),
	})
	out.WriterRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("kinesis:PutRecords", "kinesis:PutRecord", "kinesis:DescribeStreamSummary", "kinesis:ListShards"),
		Resources: &[]*string{out.Stream.StreamArn()},
	}))
	return out, nil
}
