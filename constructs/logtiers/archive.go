package logtiers

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/archive"
	"github.com/o11yscale/o11yscale/constructs/nag"
	"github.com/o11yscale/o11yscale/constructs/retention"
)

// Archive key layout. Objects live under
// <prefix>service=<service>/tier=<tier>/year=YYYY/month=MM/day=DD/hour=HH/,
// written the same way by Firehose and by Fluent Bit's s3 output, so one
// Athena table with partition projection reads both.
const (
	DefaultArchivePrefix = "logs/"
	DefaultErrorPrefix   = "errors/"
)

// ArchiveKeyPrefix is where a service's tier lands in the archive.
func ArchiveKeyPrefix(prefix, service string, tier Tier) string {
	return fmt.Sprintf("%sservice=%s/tier=%s/", prefix, service, tier.lower())
}

// Archive is the per-region S3 archive and the Firehose stream into it.
type Archive struct {
	constructs.Construct
	// Bucket holds the archived logs.
	Bucket awss3.Bucket
	// AccessLogsBucket receives the archive's server access logs.
	AccessLogsBucket awss3.Bucket
	// Key encrypts the bucket and stream; nil with SSE-S3.
	Key awskms.IKey
	// DeliveryStream takes JSON records (PutRecord/PutRecordBatch), one
	// object per record without a trailing newline (Firehose appends one),
	// and writes them gzip-compressed, partitioned by their "service" (or
	// the service in a tier log group name in "logGroup") and "tier" (or
	// "level") fields.
	DeliveryStream awskinesisfirehose.CfnDeliveryStream
	// DeliveryRole is the role Firehose writes with.
	DeliveryRole awsiam.Role
	// DeliveryLogGroup holds Firehose's delivery errors.
	DeliveryLogGroup awslogs.LogGroup
	// Prefix and ErrorPrefix of the object keys.
	Prefix, ErrorPrefix string
}

// partitionQuery extracts the partition keys with jq. The service comes
// from a "service" field, else from a tier log group name in "logGroup"
// (<prefix>/<service>/<tier>, as the log router's records carry); the tier
// from "tier", else "level". Missing values fall into "unknown" and
// unexpected levels into "other", so no record fails partitioning over its
// content, and the service is sanitised to characters safe in an S3 key.
const partitionQuery = `{service: ((.service // (.logGroup | strings | split("/") | ` +
	`select(length >= 3 and (.[-1] | IN("error", "warn", "info", "debug"))) | .[-2]) // "unknown") | ` +
	`tostring | gsub("[^A-Za-z0-9._-]"; "_") | if . == "" then "unknown" else . end), ` +
	`tier: ((.tier // .level // "unknown") | tostring | ascii_downcase | ` +
	`if . == "error" or . == "critical" or . == "fatal" then "error" ` +
	`elif . == "warn" or . == "warning" then "warn" ` +
	`elif . == "info" or . == "notice" then "info" ` +
	`elif . == "debug" or . == "trace" then "debug" ` +
	`elif . == "unknown" then "unknown" else "other" end)}`

// NewArchive creates the archive bucket, its access-log bucket and the
// Firehose stream writing into it.
func NewArchive(scope constructs.Construct, id string, props ArchiveProps) (*Archive, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("logtiers archive %s/%s: %w", *scope.Node().Path(), id, err)
	}
	p := props.withDefaults()
	c := constructs.NewConstruct(scope, &id)
	a := &Archive{Construct: c, Prefix: DefaultArchivePrefix, ErrorPrefix: DefaultErrorPrefix}
	stack := awscdk.Stack_Of(c)
	removal := awscdk.RemovalPolicy_RETAIN
	if p.DestroyOnRemoval {
		removal = awscdk.RemovalPolicy_DESTROY
	}

	if p.Encryption == awss3.BucketEncryption_KMS {
		a.Key = p.EncryptionKey
		if a.Key == nil {
			a.Key = awskms.NewKey(c, jsii.String("Key"), &awskms.KeyProps{
				Description:       jsii.String("o11yscale log archive"),
				EnableKeyRotation: jsii.Bool(true),
				RemovalPolicy:     removal,
			})
		}
	}
	transition := awss3.StorageClass_GLACIER_INSTANT_RETRIEVAL()
	if p.TransitionClass == GlacierFlexibleRetrieval {
		transition = awss3.StorageClass_GLACIER()
	}
	buckets := archive.New(c, "Bucket", archive.Props{
		BucketName: p.BucketName, Key: a.Key,
		TransitionClass: transition, TransitionDays: p.TransitionDays, ExpirationDays: p.ExpirationDays,
		NoncurrentExpirationDays: p.NoncurrentExpirationDays, AccessLogExpirationDays: p.AccessLogExpirationDays,
		AccessLogPrefix: "archive/", Removal: removal,
	})
	a.Bucket, a.AccessLogsBucket = buckets.Bucket, buckets.AccessLogs

	a.DeliveryLogGroup = awslogs.NewLogGroup(c, jsii.String("DeliveryErrors"), &awslogs.LogGroupProps{
		Retention:     retention.Enum(p.DeliveryLogRetentionDays),
		RemovalPolicy: removal,
	})
	deliveryStream := a.DeliveryLogGroup.AddStream(jsii.String("DestinationDelivery"), &awslogs.StreamOptions{
		LogStreamName: jsii.String("DestinationDelivery"),
	})

	a.DeliveryRole = awsiam.NewRole(c, jsii.String("DeliveryRole"), &awsiam.RoleProps{
		Description: jsii.String("Firehose writes the log archive"),
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("firehose.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"sts:ExternalId": stack.Account()}},
		}),
	})
	objects := []*string{
		a.Bucket.ArnForObjects(jsii.String(a.Prefix + "*")),
		a.Bucket.ArnForObjects(jsii.String(a.ErrorPrefix + "*")),
	}
	a.DeliveryRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ListArchive"),
		Actions:   jsii.Strings("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"),
		Resources: &[]*string{a.Bucket.BucketArn()},
	}))
	a.DeliveryRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteArchivePrefixes"),
		Actions:   jsii.Strings("s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"),
		Resources: &objects,
	}))
	a.DeliveryRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReportDeliveryErrors"),
		Actions:   jsii.Strings("logs:PutLogEvents"),
		Resources: jsii.Strings(archive.LogStreamArn(stack, *a.DeliveryLogGroup.LogGroupName(), "DestinationDelivery")),
	}))
	if a.Key != nil {
		a.DeliveryRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("EncryptArchiveObjects"),
			Actions:   jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"),
			Resources: &[]*string{a.Key.KeyArn()},
			Conditions: &map[string]any{
				"StringEquals": map[string]any{"kms:ViaService": fmt.Sprintf("s3.%s.amazonaws.com", *stack.Region())},
				// With S3 Bucket Keys the context is the bucket ARN.
				"StringLike": map[string]any{"kms:EncryptionContext:aws:s3:arn": []any{
					a.Bucket.BucketArn(), objects[0], objects[1],
				}},
			},
		}))
	}
	// Two prefixes of one bucket and one log stream: the wildcards are
	// object keys under our prefixes, not broader resources.
	bucketID := *stack.GetLogicalId(a.Bucket.Node().DefaultChild().(awss3.CfnBucket))
	nag.Suppress(a.DeliveryRole.Node().FindChild(jsii.String("DefaultPolicy")), nag.Suppression{ID: "AwsSolutions-IAM5",
		Reason: "Firehose writes objects with generated keys; the wildcards are limited to the archive bucket's logs/ and errors/ prefixes.",
		AppliesTo: []string{
			"Resource::<" + bucketID + ".Arn>/" + a.Prefix + "*",
			"Resource::<" + bucketID + ".Arn>/" + a.ErrorPrefix + "*",
		}})

	dest := &awskinesisfirehose.CfnDeliveryStream_ExtendedS3DestinationConfigurationProperty{
		BucketArn: a.Bucket.BucketArn(),
		RoleArn:   a.DeliveryRole.RoleArn(),
		BufferingHints: &awskinesisfirehose.CfnDeliveryStream_BufferingHintsProperty{
			SizeInMBs:         jsii.Number(float64(p.BufferSizeMB)),
			IntervalInSeconds: jsii.Number(p.BufferInterval.Seconds()),
		},
		CompressionFormat: jsii.String("GZIP"),
		Prefix: jsii.String(a.Prefix + "service=!{partitionKeyFromQuery:service}/tier=!{partitionKeyFromQuery:tier}/" +
			"year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"),
		ErrorOutputPrefix: jsii.String(a.ErrorPrefix + "!{firehose:error-output-type}/" +
			"year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"),
		DynamicPartitioningConfiguration: &awskinesisfirehose.CfnDeliveryStream_DynamicPartitioningConfigurationProperty{
			Enabled:      jsii.Bool(true),
			RetryOptions: &awskinesisfirehose.CfnDeliveryStream_RetryOptionsProperty{DurationInSeconds: jsii.Number(300)},
		},
		ProcessingConfiguration: &awskinesisfirehose.CfnDeliveryStream_ProcessingConfigurationProperty{
			Enabled: jsii.Bool(true),
			Processors: &[]*awskinesisfirehose.CfnDeliveryStream_ProcessorProperty{
				{
					Type: jsii.String("MetadataExtraction"),
					Parameters: &[]*awskinesisfirehose.CfnDeliveryStream_ProcessorParameterProperty{
						{ParameterName: jsii.String("MetadataExtractionQuery"), ParameterValue: jsii.String(partitionQuery)},
						{ParameterName: jsii.String("JsonParsingEngine"), ParameterValue: jsii.String("JQ-1.6")},
					},
				},
			},
		},
		CloudWatchLoggingOptions: &awskinesisfirehose.CfnDeliveryStream_CloudWatchLoggingOptionsProperty{
			Enabled:       jsii.Bool(true),
			LogGroupName:  a.DeliveryLogGroup.LogGroupName(),
			LogStreamName: jsii.String("DestinationDelivery"),
		},
	}
	if a.Key != nil {
		dest.EncryptionConfiguration = &awskinesisfirehose.CfnDeliveryStream_EncryptionConfigurationProperty{
			KmsEncryptionConfig: &awskinesisfirehose.CfnDeliveryStream_KMSEncryptionConfigProperty{AwskmsKeyArn: a.Key.KeyArn()},
		}
	}
	streamEncryption := &awskinesisfirehose.CfnDeliveryStream_DeliveryStreamEncryptionConfigurationInputProperty{
		KeyType: jsii.String("AWS_OWNED_CMK"),
	}
	if a.Key != nil {
		streamEncryption = &awskinesisfirehose.CfnDeliveryStream_DeliveryStreamEncryptionConfigurationInputProperty{
			KeyType: jsii.String("CUSTOMER_MANAGED_CMK"),
			KeyArn:  a.Key.KeyArn(),
		}
	}
	streamProps := &awskinesisfirehose.CfnDeliveryStreamProps{
		DeliveryStreamType:                         jsii.String("DirectPut"),
		DeliveryStreamEncryptionConfigurationInput: streamEncryption,
		ExtendedS3DestinationConfiguration:         dest,
	}
	if p.DeliveryStreamName != "" {
		streamProps.DeliveryStreamName = jsii.String(p.DeliveryStreamName)
	}
	a.DeliveryStream = awskinesisfirehose.NewCfnDeliveryStream(c, jsii.String("DeliveryStream"), streamProps)
	// Firehose checks its role's permissions when the stream is created;
	// the role itself is already a dependency through RoleARN.
	a.DeliveryStream.Node().AddDependency(a.DeliveryRole.Node().FindChild(jsii.String("DefaultPolicy")), deliveryStream)
	return a, nil
}

// DeliveryStreamName is the Firehose stream's name (a CDK token), for
// producers such as the log router (contract.EnvDeliveryStreamName).
func (a *Archive) DeliveryStreamName() string { return *a.DeliveryStream.Ref() }

// DeliveryStreamArn is the Firehose stream's ARN (a CDK token).
func (a *Archive) DeliveryStreamArn() string { return *a.DeliveryStream.AttrArn() }

// GrantPutRecords lets grantee send records to the delivery stream.
// Records are newline-terminated JSON objects (the stream adds no
// delimiter, so the archive stays one object per line) with "service" (or a
// tier log group name in "logGroup") and "tier" (or "level") fields, which
// pick the S3 partition. The log router writes exactly this.
func (a *Archive) GrantPutRecords(grantee awsiam.IGrantable) awsiam.Grant {
	return awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings("firehose:PutRecord", "firehose:PutRecordBatch"),
		ResourceArns: jsii.Strings(a.DeliveryStreamArn()),
	})
}

// GrantWriteService lets grantee (e.g. a task role running Fluent Bit's s3
// output) put objects under one service's archive prefix only.
func (a *Archive) GrantWriteService(grantee awsiam.IGrantable, service string) awsiam.Grant {
	g := awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings("s3:PutObject"),
		ResourceArns: &[]*string{a.Bucket.ArnForObjects(jsii.String(a.Prefix + "service=" + service + "/*"))},
	})
	if a.Key != nil {
		a.Key.Grant(grantee, jsii.String("kms:GenerateDataKey"))
	}
	return g
}
