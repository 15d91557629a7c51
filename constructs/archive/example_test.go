package archive_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/archive"
)

// A KMS-encrypted archive tiered to Glacier Instant Retrieval after 30
// days and expired after a year, with its access logs in a second bucket.
// Callers (logtiers, metricstream) validate the days first.
func ExampleNew() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Logs"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String("eu-west-1")},
	})
	key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
	buckets := archive.New(stack, "Archive", archive.Props{
		Key:                      key,
		TransitionClass:          awss3.StorageClass_GLACIER_INSTANT_RETRIEVAL(),
		TransitionDays:           30,
		ExpirationDays:           365,
		NoncurrentExpirationDays: 30,
		AccessLogExpirationDays:  90,
		AccessLogPrefix:          "archive/",
		Removal:                  awscdk.RemovalPolicy_RETAIN,
	})
	// The buckets are the escape hatch, e.g. to grant a reader.
	fmt.Println(*buckets.Bucket.Node().Path(), buckets.Bucket.EncryptionKey() != nil)
	fmt.Println(*buckets.AccessLogs.Node().Path())
	// Output:
	// Logs/Archive true
	// Logs/AccessLogs
}
