// Package archive creates the S3 buckets our archives share: an archive
// bucket (SSE-S3 or KMS, TLS 1.2+ only, public access blocked, owner-
// enforced, versioned, tiered to Glacier then expired) and a bucket that
// receives its server access logs. The log archive (logtiers) and the
// metric archive (metricstream) both build on it.
package archive

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/nag"
)

// Props configures the buckets. Callers validate and default the values;
// this package only builds.
type Props struct {
	// BucketName is the archive bucket's name; empty lets CloudFormation
	// generate one.
	BucketName string
	// Key encrypts the archive with SSE-KMS; nil means SSE-S3.
	Key awskms.IKey
	// TransitionClass is the Glacier class objects move to after
	// TransitionDays; ExpirationDays deletes them.
	TransitionClass awss3.StorageClass
	TransitionDays  int
	ExpirationDays  int
	// NoncurrentExpirationDays deletes overwritten versions.
	NoncurrentExpirationDays int
	// AccessLogExpirationDays deletes access logs.
	AccessLogExpirationDays int
	// AccessLogPrefix is where the archive's access logs go, e.g. "archive/".
	AccessLogPrefix string
	// Removal applies to both buckets.
	Removal awscdk.RemovalPolicy
}

// Buckets are the archive and its access-log bucket.
type Buckets struct {
	Bucket     awss3.Bucket
	AccessLogs awss3.Bucket
}

// New creates "AccessLogs" and bucketID under scope.
func New(scope constructs.Construct, bucketID string, p Props) *Buckets {
	stack := awscdk.Stack_Of(scope)
	out := &Buckets{}
	// Server access logs need SSE-S3 on the target bucket: S3 log delivery
	// cannot use a KMS key.
	out.AccessLogs = awss3.NewBucket(scope, jsii.String("AccessLogs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		MinimumTLSVersion: jsii.Number(1.2),
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:         jsii.Bool(true),
		RemovalPolicy:     p.Removal,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("expire-access-logs"),
			Expiration:                          awscdk.Duration_Days(jsii.Number(float64(p.AccessLogExpirationDays))),
			NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(1)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}},
	})
	nag.Suppress(out.AccessLogs, nag.Suppression{ID: "AwsSolutions-S1",
		Reason: "This bucket is the target of an archive's server access logs; logging it into itself would loop and another bucket would only move the finding."})

	encryption := awss3.BucketEncryption_S3_MANAGED
	if p.Key != nil {
		encryption = awss3.BucketEncryption_KMS
	}
	props := &awss3.BucketProps{
		Encryption:        encryption,
		EncryptionKey:     p.Key,
		BucketKeyEnabled:  jsii.Bool(p.Key != nil),
		EnforceSSL:        jsii.Bool(true),
		MinimumTLSVersion: jsii.Number(1.2),
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:         jsii.Bool(true),
		RemovalPolicy:     p.Removal,
		LifecycleRules: &[]*awss3.LifecycleRule{
			{
				Id: jsii.String("tier-then-expire"),
				Transitions: &[]*awss3.Transition{{
					StorageClass:    p.TransitionClass,
					TransitionAfter: awscdk.Duration_Days(jsii.Number(float64(p.TransitionDays))),
				}},
				Expiration:                          awscdk.Duration_Days(jsii.Number(float64(p.ExpirationDays))),
				NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(float64(p.NoncurrentExpirationDays))),
				AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(7)),
			},
			{
				// Expired objects leave delete markers behind in a
				// versioned bucket; remove them once nothing is under them.
				Id:                        jsii.String("remove-expired-delete-markers"),
				ExpiredObjectDeleteMarker: jsii.Bool(true),
			},
		},
	}
	if p.BucketName != "" {
		props.BucketName = jsii.String(p.BucketName)
	}
	out.Bucket = awss3.NewBucket(scope, jsii.String(bucketID), props)
	// Access logging is set on the L1 with our own bucket policy, so it
	// works whatever the app's S3 feature flags (the L2 falls back to an
	// ACL, which BUCKET_OWNER_ENFORCED forbids).
	out.Bucket.Node().DefaultChild().(awss3.CfnBucket).SetLoggingConfiguration(&awss3.CfnBucket_LoggingConfigurationProperty{
		DestinationBucketName: out.AccessLogs.BucketName(),
		LogFilePrefix:         jsii.String(p.AccessLogPrefix),
	})
	out.AccessLogs.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("S3ServerAccessLogs"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("logging.s3.amazonaws.com"), nil)},
		Actions:    jsii.Strings("s3:PutObject"),
		Resources:  jsii.Strings(*out.AccessLogs.ArnForObjects(jsii.String(p.AccessLogPrefix + "*"))),
		Conditions: &map[string]any{
			"ArnLike":      map[string]any{"aws:SourceArn": out.Bucket.BucketArn()},
			"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
		},
	}))
	return out
}

// LogStreamArn is the ARN of one log stream of a log group, built from the
// group's name. A log group's Arn attribute ends in ":*"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html#aws-resource-logs-loggroup-return-values),
// so appending ":log-stream:<name>" to it gives an ARN that matches
// nothing: a policy with it would never let Firehose log its errors.
func LogStreamArn(scope constructs.Construct, logGroupName, streamName string) string {
	return *awscdk.Stack_Of(scope).FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("logs"),
		Resource:     jsii.String("log-group"),
		ResourceName: jsii.String(logGroupName + ":log-stream:" + streamName),
		ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
}
