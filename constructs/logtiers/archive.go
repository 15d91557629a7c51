package logtiers

import (
	"fmt"
	"strings"

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
	// Central is the central archive this region delivers into; then
	// Bucket, AccessLogsBucket and Key are nil (they are the central
	// archive's, in its stack).
	Central CentralArchiveTarget

	bucketArn string
}

// BucketName is the name of the bucket the archive writes (a CDK token
// for a regional bucket with a generated name).
func (a *Archive) BucketName() string {
	if a.Central.On() {
		return a.Central.bucketName()
	}
	return *a.Bucket.BucketName()
}

// BucketArn is the ARN of the bucket the archive writes.
func (a *Archive) BucketArn() string { return a.bucketArn }

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

	if p.Central.On() {
		a.Central = p.Central
		a.Prefix, a.ErrorPrefix = CentralArchivePrefixes(*stack.Account(), *stack.Region())
		a.bucketArn = fmt.Sprintf("arn:%s:s3:::%s", *stack.Partition(), p.Central.bucketName())
	} else {
		a.newBucket(c, p, removal)
	}

	a.DeliveryLogGroup = awslogs.NewLogGroup(c, jsii.String("DeliveryErrors"), &awslogs.LogGroupProps{
		Retention:     retention.Enum(p.DeliveryLogRetentionDays),
		RemovalPolicy: removal,
	})
	deliveryStream := a.DeliveryLogGroup.AddStream(jsii.String("DestinationDelivery"), &awslogs.StreamOptions{
		LogStreamName: jsii.String("DestinationDelivery"),
	})
	if p.Central.On() {
		a.grantCentral(stack)
	} else {
		a.grantRegional(stack)
	}
	return a.newStream(p, deliveryStream), nil
}

// newBucket creates the region's own bucket (and key).
func (a *Archive) newBucket(c constructs.Construct, p ArchiveProps, removal awscdk.RemovalPolicy) {
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
	a.bucketArn = *a.Bucket.BucketArn()
}

// grantRegional lets the delivery role write the region's own bucket.
func (a *Archive) grantRegional(stack awscdk.Stack) {
	a.DeliveryRole = awsiam.NewRole(a.Construct, jsii.String("DeliveryRole"), &awsiam.RoleProps{
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
}

// newStream creates the Firehose stream into the archive bucket.
func (a *Archive) newStream(p ArchiveProps, deliveryStream awslogs.LogStream) *Archive {
	c := a.Construct
	dest := &awskinesisfirehose.CfnDeliveryStream_ExtendedS3DestinationConfigurationProperty{
		BucketArn: jsii.String(a.bucketArn),
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
	return a
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
// output) put objects under one service's archive prefix only. With a
// central archive in another account, its bucket policy also requires the
// grantee's role name to start with ArchiveWriterRolePrefix.
func (a *Archive) GrantWriteService(grantee awsiam.IGrantable, service string) awsiam.Grant {
	g := awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings("s3:PutObject"),
		ResourceArns: jsii.Strings(a.bucketArn + "/" + a.Prefix + "service=" + service + "/*"),
	})
	switch {
	case a.Key != nil:
		a.Key.Grant(grantee, jsii.String("kms:GenerateDataKey"))
	case a.Central.KMS:
		grantee.GrantPrincipal().AddToPrincipalPolicy(a.centralKeyStatement("EncryptCentralArchive" + service))
	}
	return g
}

// centralKeyArns are the keys a central archive's writer may use: any key
// of the central account in its region, as the key id is not known in
// this account; the conditions limit it to S3 encrypting this bucket.
func (a *Archive) centralKeyStatement(sid string) awsiam.PolicyStatement {
	stack := awscdk.Stack_Of(a.Construct)
	t := a.Central
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String(sid),
		Actions:   jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"),
		Resources: jsii.Strings(a.centralKeyArn(stack)),
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"kms:ViaService": fmt.Sprintf("s3.%s.amazonaws.com", t.Region)},
			"StringLike": map[string]any{"kms:EncryptionContext:aws:s3:arn": []any{
				a.bucketArn, a.bucketArn + "/" + a.Prefix + "*", a.bucketArn + "/" + a.ErrorPrefix + "*",
			}},
		},
	})
}

func (a *Archive) centralKeyArn(stack awscdk.Stack) string {
	return fmt.Sprintf("arn:%s:kms:%s:%s:key/*", *stack.Partition(), a.Central.Region, a.Central.Account)
}

// grantCentral lets the delivery role, named ArchiveDeliveryRoleName so
// the central bucket and key policies can name it, write this
// account-region's prefixes of the central bucket, what Firehose needs on
// an S3 destination
// (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3).
func (a *Archive) grantCentral(stack awscdk.Stack) {
	t := a.Central
	a.DeliveryRole = awsiam.NewRole(a.Construct, jsii.String("DeliveryRole"), &awsiam.RoleProps{
		RoleName:    jsii.String(ArchiveDeliveryRoleName(t.Platform, *stack.Region())),
		Description: jsii.String("Firehose writes this account-region's prefix of the central log archive"),
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("firehose.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"sts:ExternalId": stack.Account()}},
		}),
	})
	logs, errs := a.bucketArn+"/"+a.Prefix+"*", a.bucketArn+"/"+a.ErrorPrefix+"*"
	a.DeliveryRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ListArchive"),
		Actions:   jsii.Strings("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"),
		Resources: jsii.Strings(a.bucketArn),
	}))
	a.DeliveryRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteArchivePrefixes"),
		Actions:   jsii.Strings("s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"),
		Resources: jsii.Strings(logs, errs),
	}))
	a.DeliveryRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReportDeliveryErrors"),
		Actions:   jsii.Strings("logs:PutLogEvents"),
		Resources: jsii.Strings(archive.LogStreamArn(stack, *a.DeliveryLogGroup.LogGroupName(), "DestinationDelivery")),
	}))
	appliesTo := []string{"Resource::" + nagArn(stack, logs), "Resource::" + nagArn(stack, errs)}
	reason := "Firehose writes objects with generated keys; the wildcards are limited to this account-region's logs/ and errors/ prefixes of the central archive bucket"
	if t.KMS {
		a.DeliveryRole.AddToPrincipalPolicy(a.centralKeyStatement("EncryptArchiveObjects"))
		appliesTo = append(appliesTo, "Resource::"+nagArn(stack, a.centralKeyArn(stack)))
		reason += "; the central key's id is unknown in this account, so any key of the central account and region is named, usable only through S3 there (kms:ViaService) for this bucket (its encryption context)"
	}
	nag.Suppress(a.DeliveryRole.Node().FindChild(jsii.String("DefaultPolicy")), nag.Suppression{ID: "AwsSolutions-IAM5",
		Reason: reason + ".", AppliesTo: appliesTo})
}

// nagArn is an ARN as cdk-nag prints it: the partition pseudo parameter
// in angle brackets.
func nagArn(stack awscdk.Stack, arn string) string {
	if p := *stack.Partition(); unresolved(p) {
		return strings.Replace(arn, p, "<AWS::Partition>", 1)
	}
	return arn
}
