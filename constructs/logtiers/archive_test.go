package logtiers_test

import (
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

func TestArchiveBucketIsPrivateTLSOnlyVersionedAndAccessLogged(t *testing.T) {
	_, _, regional := seedPlatform(t)
	regional.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(2))
	regional.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
		"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
			map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}}}},
		"PublicAccessBlockConfiguration": map[string]any{
			"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
		"VersioningConfiguration": map[string]any{"Status": "Enabled"},
		"LoggingConfiguration": map[string]any{
			"DestinationBucketName": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^ArchiveAccessLogs"))},
			"LogFilePrefix":         "archive/"},
	})
	regional.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
		"Bucket": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^ArchiveBucket"))},
		"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Effect": "Deny", "Action": "s3:*", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		})})},
	})
	// S3 log delivery may write only the archive's logs, from this account.
	regional.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
		"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Action": "s3:PutObject",
			"Principal": map[string]any{"Service": "logging.s3.amazonaws.com"},
			"Condition": map[string]any{
				"ArnLike":      map[string]any{"aws:SourceArn": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^ArchiveBucket")), "Arn"}}},
				"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"}},
		})})},
	})
}

func TestArchiveLifecycleDefaultsToGlacierInstantRetrievalThenExpiry(t *testing.T) {
	_, _, regional := seedPlatform(t)
	regional.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
		"LifecycleConfiguration": map[string]any{"Rules": []any{
			map[string]any{
				"Id": "tier-then-expire", "Status": "Enabled",
				"Transitions":                    []any{map[string]any{"StorageClass": "GLACIER_IR", "TransitionInDays": 30}},
				"ExpirationInDays":               365,
				"NoncurrentVersionExpiration":    map[string]any{"NoncurrentDays": 30},
				"AbortIncompleteMultipartUpload": map[string]any{"DaysAfterInitiation": 7},
			},
			map[string]any{"Id": "remove-expired-delete-markers", "Status": "Enabled", "ExpiredObjectDeleteMarker": true},
		}},
	})
}

func TestArchiveLifecycleIsConfigurable(t *testing.T) {
	_, stack := newStack(t)
	if _, err := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{
		TransitionDays: 90, TransitionClass: logtiers.GlacierFlexibleRetrieval, ExpirationDays: 2557}); err != nil {
		t.Fatal(err)
	}
	assertions.Template_FromStack(stack, nil).HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
		"LifecycleConfiguration": map[string]any{"Rules": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Id":               "tier-then-expire",
			"Transitions":      []any{map[string]any{"StorageClass": "GLACIER", "TransitionInDays": 90}},
			"ExpirationInDays": 2557,
		})})},
	})
}

func TestFirehoseWritesGzipPartitionedByServiceTierAndDateWithAnErrorPrefix(t *testing.T) {
	_, _, regional := seedPlatform(t)
	regional.HasResourceProperties(jsii.String("AWS::KinesisFirehose::DeliveryStream"), map[string]any{
		"DeliveryStreamType":                         "DirectPut",
		"DeliveryStreamEncryptionConfigurationInput": map[string]any{"KeyType": "AWS_OWNED_CMK"},
		"ExtendedS3DestinationConfiguration": map[string]any{
			"CompressionFormat":                "GZIP",
			"Prefix":                           "logs/service=!{partitionKeyFromQuery:service}/tier=!{partitionKeyFromQuery:tier}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
			"ErrorOutputPrefix":                "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
			"DynamicPartitioningConfiguration": map[string]any{"Enabled": true},
			"BufferingHints":                   map[string]any{"SizeInMBs": 64, "IntervalInSeconds": 300},
			"CloudWatchLoggingOptions":         map[string]any{"Enabled": true, "LogStreamName": "DestinationDelivery"},
		},
	})
}

func TestFirehoseRoleWritesOnlyTheArchivePrefixes(t *testing.T) {
	_, _, regional := seedPlatform(t)
	bucketArn := map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^ArchiveBucket")), "Arn"}}
	objects := func(prefix string) map[string]any {
		return map[string]any{"Fn::Join": []any{"", []any{bucketArn, prefix}}}
	}
	regional.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
		"Roles": []any{map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^ArchiveDeliveryRole"))}},
		"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
			map[string]any{"Sid": "ListArchive", "Effect": "Allow", "Resource": bucketArn,
				"Action": []any{"s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"}},
			map[string]any{"Sid": "WriteArchivePrefixes", "Effect": "Allow", "Resource": []any{objects("/logs/*"), objects("/errors/*")},
				"Action": []any{"s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"}},
			assertions.Match_ObjectLike(&map[string]any{"Sid": "ReportDeliveryErrors", "Action": "logs:PutLogEvents"}),
		})},
	})
	regional.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
		"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{
			"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": map[string]any{"Service": "firehose.amazonaws.com"},
			"Condition": map[string]any{"StringEquals": map[string]any{"sts:ExternalId": "123456789012"}}}}}})
}

func TestKMSArchiveEncryptsBucketStreamAndObjectsWithTheKey(t *testing.T) {
	_, stack := newStack(t)
	if _, err := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{Encryption: awss3.BucketEncryption_KMS, BufferInterval: 2 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{"EnableKeyRotation": true})
	keyArn := map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^ArchiveKey")), "Arn"}}
	tpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
		"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{map[string]any{
			"BucketKeyEnabled":              true,
			"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": keyArn}}}},
	})
	tpl.HasResourceProperties(jsii.String("AWS::KinesisFirehose::DeliveryStream"), map[string]any{
		"DeliveryStreamEncryptionConfigurationInput": map[string]any{"KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": keyArn},
		"ExtendedS3DestinationConfiguration": map[string]any{
			"EncryptionConfiguration": map[string]any{"KMSEncryptionConfig": map[string]any{"AWSKMSKeyARN": keyArn}},
			"BufferingHints":          map[string]any{"IntervalInSeconds": 120},
		},
	})
}

func TestGrantWriteServiceIsScopedToTheServicePrefix(t *testing.T) {
	_, stack := newStack(t)
	a, err := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{})
	if err != nil {
		t.Fatal(err)
	}
	task := awsiam.NewRole(stack, jsii.String("TaskRole"), &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil)})
	a.GrantWriteService(task, "checkout-api")
	a.GrantPutRecords(task)
	assertions.Template_FromStack(stack, nil).HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
		"Roles": []any{map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^TaskRole"))}},
		"PolicyDocument": map[string]any{"Statement": []any{
			map[string]any{"Action": "s3:PutObject", "Effect": "Allow", "Resource": map[string]any{"Fn::Join": []any{"", []any{
				map[string]any{"Fn::GetAtt": []any{assertions.Match_AnyValue(), "Arn"}}, "/logs/service=checkout-api/*"}}}},
			map[string]any{"Action": []any{"firehose:PutRecord", "firehose:PutRecordBatch"}, "Effect": "Allow",
				"Resource": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^ArchiveDeliveryStream")), "Arn"}}},
		}},
	})
}
